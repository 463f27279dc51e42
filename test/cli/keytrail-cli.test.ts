/**
 * The `keytrail projections` and `keytrail query` commands, run as an operator runs them:
 * a server makes a history through the AWS SDK and stops, then the commands read its data
 * folder.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CreateAliasCommand, CreateKeyCommand, EncryptCommand, KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MAIN = resolve('dist/src/cli/main.js');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function keytrail(args: readonly string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

const scratch = mkdtempSync(join(tmpdir(), 'keytrail-cli-'));
const dataDir = join(scratch, 'data');
const inData = ['--data-dir', dataDir];
let keyId = '';
let adminArn = '';

/** `keytrail serve` on the data folder; resolves with its endpoint and a way to stop it. */
async function serve(): Promise<{ endpoint: string; stop(): Promise<unknown> }> {
  const server = spawn(process.execPath, [MAIN, 'serve', '--port', '0', ...inData], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((done) => server.once('exit', done));
  let output = '';
  const endpoint = await new Promise<string>((ready, fail) => {
    server.stdout!.setEncoding('utf8').on('data', (text: string) => {
      output += text;
      const match = /serving the AWS KMS API on (\S+)/.exec(output);
      if (match && output.includes('aws kms')) ready(match[1]!);
    });
    void exited.then(() => fail(new Error(`keytrail serve exited:\n${output}`)));
  });
  return {
    endpoint,
    stop: () => {
      server.kill('SIGTERM');
      return exited;
    },
  };
}

beforeAll(async () => {
  if (!existsSync(MAIN)) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  const server = await serve();
  const endpoint = server.endpoint;
  const credentials = readFileSync(join(dataDir, 'admin-credentials'), 'utf8');
  const value = (name: string) => new RegExp(`^${name}\\s*=\\s*(\\S+)`, 'm').exec(credentials)![1]!;
  const kms = new KMSClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: value('aws_access_key_id'), secretAccessKey: value('aws_secret_access_key') }, maxAttempts: 1 });
  const created = await kms.send(new CreateKeyCommand({ Description: 'cli test' }));
  keyId = created.KeyMetadata!.KeyId!;
  adminArn = `arn:aws:iam::${created.KeyMetadata!.AWSAccountId}:user/keytrail-admin`;
  await kms.send(new CreateAliasCommand({ AliasName: 'alias/cli-test', TargetKeyId: keyId }));
  await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: new Uint8Array([1]) }));
  kms.destroy();
  await server.stop();
}, 60_000);

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('keytrail projections', () => {
  it('status: every projection live at the head of the log, with no lag, also after its read models were lost', async () => {
    for (const lost of [false, true]) {
      // Rebuilt from zero, a projection that takes few event types last applied an old event; it has still covered the log.
      if (lost) for (const suffix of ['', '-wal', '-shm']) rmSync(join(dataDir, `readmodels.db${suffix}`), { force: true });
      const run = await keytrail(['projections', 'status', ...inData]);
      expect(run.code).toBe(0);
      const lines = run.stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^log head: \d+\/\d+ \(/);
      const projections = lines.slice(1);
      expect(projections.map((l) => l.split(/\s+/)[0])).toEqual(expect.arrayContaining(['temporal-keys', 'temporal-key-usage', 'temporal-aliases', 'temporal-identities', 'kms-key-schedule']));
      for (const line of projections) expect(line).toMatch(/ live +at \d+\/\d+, lag 0 ms, /);
    }
  });

  it('rebuild: one projection by name, and a usage error naming the projections for an unknown one', async () => {
    const rebuilt = await keytrail(['projections', 'rebuild', 'temporal-keys', ...inData]);
    expect(rebuilt.code).toBe(0);
    const unknown = await keytrail(['projections', 'rebuild', 'no-such-projection', ...inData]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('temporal-key-usage');
  });
});

describe('keytrail query', () => {
  it('key: the key as of now, citing its events', async () => {
    const run = await keytrail(['query', 'key', keyId, ...inData]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(keyId);
    expect(run.stdout).toContain('alias/cli-test');
    expect(run.stdout).toMatch(new RegExp(`key-${keyId}@\\d+`));
  });

  it('who-can-use and keys-for agree that the administrator may decrypt with the key, and cite why', async () => {
    const who = await keytrail(['query', 'who-can-use', keyId, '--operation', 'Decrypt', ...inData]);
    expect(who.code).toBe(0);
    expect(who.stdout).toContain(adminArn);
    const keys = await keytrail(['query', 'keys-for', adminArn, '--operation', 'Decrypt', ...inData]);
    expect(keys.code).toBe(0);
    expect(keys.stdout).toMatch(new RegExp(`key/${keyId} \\(Enabled\\)\\n\\s+Allow +Decrypt`));
    expect(keys.stdout).toContain('cites ');
    const json = JSON.parse((await keytrail(['query', 'keys-for', adminArn, '--operation', 'Decrypt', '--json', ...inData])).stdout) as { keys: { keyId: string }[] };
    expect(json.keys.map((k) => k.keyId)).toContain(keyId);
  });

  it('usage: the Encrypt call, from the audit records', async () => {
    const run = await keytrail(['query', 'usage', keyId, '--json', ...inData]);
    expect(run.code).toBe(0);
    const answer = JSON.parse(run.stdout) as { records: { operation: string }[] };
    expect(answer.records.map((r) => r.operation)).toContain('Encrypt');
  });

  it('refuses a malformed instant with a usage error, not a stack trace', async () => {
    const run = await keytrail(['query', 'key', keyId, '--as-of', 'last tuesday', ...inData]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('keytrail identity', () => {
  const account = '444455556666';
  const inAccount = ['--account', account, ...inData];

  it('creates an account, a role, a user with an identity policy and an access key the server accepts until it is deactivated', async () => {
    expect((await keytrail(['identity', 'create-account', '--account-id', account, ...inData])).code).toBe(0);
    expect((await keytrail(['identity', 'create-principal', '--name', 'deployer', '--type', 'role', ...inAccount])).code).toBe(0);
    expect((await keytrail(['identity', 'create-principal', '--name', 'dev', ...inAccount])).code).toBe(0);
    const document = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['kms:ListKeys'], Resource: '*' }] });
    expect((await keytrail(['identity', 'put-policy', '--name', 'dev', '--policy-name', 'ListOnly', '--policy-document', document, ...inAccount])).code).toBe(0);
    const key = await keytrail(['identity', 'create-access-key', '--user', 'dev', '--profile', 'dev', ...inAccount]);
    expect(key.code).toBe(0);
    expect(key.stdout).toMatch(/^\[dev\]\naws_access_key_id = AKIA[A-Z2-7]{16}\naws_secret_access_key = \S{40}\n/);
    const accessKeyId = /aws_access_key_id = (\S+)/.exec(key.stdout)![1]!;
    const secretAccessKey = /aws_secret_access_key = (\S+)/.exec(key.stdout)![1]!;

    const shown = await keytrail(['identity', 'show', ...inAccount]);
    expect(shown.code).toBe(0);
    for (const text of ['deployer', 'dev', 'ListOnly', accessKeyId]) expect(shown.stdout).toContain(text);
    expect(shown.stdout).not.toContain(secretAccessKey);

    const server = await serve();
    try {
      const dev = new KMSClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
      expect((await dev.send(new ListKeysCommand({})))?.$metadata.httpStatusCode).toBe(200);
      // Written by this command beside the running server: the key stops at once.
      expect((await keytrail(['identity', 'deactivate-access-key', '--access-key-id', accessKeyId, '--user', 'dev', ...inAccount])).code).toBe(0);
      await expect(dev.send(new ListKeysCommand({}))).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
      dev.destroy();
    } finally {
      await server.stop();
    }
  }, 60_000);
});

/**
 * The AWS CLI against `keytrail serve` as a user runs it: the built server as a child
 * process on a temporary data dir, the credentials file it writes, `aws kms ...` with
 * --endpoint-url, a second user made with `keytrail identity`, and a clean stop.
 * Runs after `npm run build` (npm test does both). In CI the AWS CLI must be there
 * (.ci/run installs it); elsewhere its absence skips the scenario and says so.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MAIN = resolve('dist/src/cli/main.js');
const REGION = 'eu-west-1';
const inCi = process.env['CI'] === 'true';
const cliAvailable = spawnSync('aws', ['--version'], { encoding: 'utf8' }).status === 0;
const built = existsSync(MAIN);
/** AWS CLI v1 (pip) exits 255 on a service error, v2 (Debian's awscli package) 254. */
const SERVICE_ERROR_EXIT_CODES = [254, 255];
/** Rotation on demand (2024) is missing from older CLIs, such as Debian's awscli 2.9. */
const cliRotatesOnDemand =
  cliAvailable && spawnSync('aws', ['kms', 'rotate-key-on-demand', '--generate-cli-skeleton'], { encoding: 'utf8', env: { ...process.env, AWS_PAGER: '' } }).status === 0;
const skipReason = !built ? 'dist/ is missing, run `npm run build` first' : !cliAvailable && !inCi ? 'the AWS CLI (`aws`) is not installed' : null;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function runProcess(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((done) => {
    execFile(command, args, { env, encoding: 'utf8', timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      done({ code, stdout, stderr });
    });
  });
}

/** The environment without the caller's AWS settings, so only what the test names counts. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
}

describe.skipIf(skipReason !== null)(`the AWS CLI against keytrail serve${skipReason ? `: skipped, ${skipReason}` : ''}`, () => {
  const scratch = mkdtempSync(join(tmpdir(), 'keytrail-cli-scenario-'));
  const dataDir = join(scratch, 'data');
  let server: ChildProcess;
  let serverExit: Promise<number | null>;
  let endpoint = '';
  let credentialsFile = '';
  let accountId = '';
  let keyId = '';

  const aws = (args: readonly string[], credentials = { file: credentialsFile, profile: 'keytrail' }): Promise<Run> =>
    runProcess('aws', ['kms', ...args, '--endpoint-url', endpoint, '--output', 'json'], {
      ...cleanEnv(),
      HOME: scratch,
      AWS_SHARED_CREDENTIALS_FILE: credentials.file,
      AWS_PROFILE: credentials.profile,
      AWS_DEFAULT_REGION: REGION,
      AWS_CONFIG_FILE: join(scratch, 'no-config'),
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_MAX_ATTEMPTS: '1',
      AWS_PAGER: '',
    });
  const json = (run: Run): Record<string, any> => {
    expect(run.stderr, run.stderr).toBe('');
    expect(run.code).toBe(0);
    return run.stdout.trim() === '' ? {} : JSON.parse(run.stdout);
  };
  const keytrail = (args: readonly string[]) => runProcess(process.execPath, [MAIN, ...args, '--data-dir', dataDir, '--region', REGION], cleanEnv());
  const file = (name: string, bytes: Uint8Array) => {
    const path = join(scratch, name);
    writeFileSync(path, bytes);
    return path;
  };

  beforeAll(async () => {
    if (!cliAvailable) throw new Error('CI=true but the AWS CLI is not installed: .ci/run installs it with apt-get');
    server = spawn(process.execPath, [MAIN, 'serve', '--port', '0', '--data-dir', dataDir, '--region', REGION], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    serverExit = new Promise((done) => server.once('exit', (code) => done(code)));
    let output = '';
    server.stdout!.setEncoding('utf8');
    server.stderr!.setEncoding('utf8').on('data', (text: string) => (output += text));
    await new Promise<void>((ready, fail) => {
      server.stdout!.on('data', (text: string) => {
        output += text;
        const match = /serving the AWS KMS API on (\S+)[\s\S]*account:\s+(\d{12})[\s\S]*credentials:\s+(\S+) \(new/.exec(output);
        if (match && output.includes('aws kms create-key')) {
          [, endpoint = '', accountId = '', credentialsFile = ''] = match;
          ready();
        }
      });
      void serverExit.then((code) => fail(new Error(`keytrail serve exited with ${code}:\n${output}`)));
    });
  });

  afterAll(async () => {
    if (server && server.exitCode === null) {
      server.kill('SIGKILL');
      await serverExit;
    }
    rmSync(scratch, { recursive: true, force: true });
  });

  it('writes the credentials file in the AWS CLI format, owner-only', () => {
    expect(readFileSync(credentialsFile, 'utf8')).toMatch(/^\[keytrail\]\naws_access_key_id = AKIA[A-Z2-7]{16}\naws_secret_access_key = \S{40}\n$/);
  });

  it('creates, describes and lists a key, and names it with an alias', async () => {
    const created = json(await aws(['create-key', '--description', 'cli scenario']));
    expect(created.KeyMetadata).toMatchObject({ KeyState: 'Enabled', Description: 'cli scenario', AWSAccountId: accountId, KeyUsage: 'ENCRYPT_DECRYPT' });
    keyId = created.KeyMetadata.KeyId;
    expect(json(await aws(['describe-key', '--key-id', keyId])).KeyMetadata.Arn).toBe(`arn:aws:kms:${REGION}:${accountId}:key/${keyId}`);
    expect(json(await aws(['list-keys'])).Keys).toContainEqual({ KeyId: keyId, KeyArn: `arn:aws:kms:${REGION}:${accountId}:key/${keyId}` });
    expect(json(await aws(['create-alias', '--alias-name', 'alias/cli-scenario', '--target-key-id', keyId]))).toEqual({});
    expect(json(await aws(['describe-key', '--key-id', 'alias/cli-scenario'])).KeyMetadata.KeyId).toBe(keyId);
  });

  it('encrypts a binary file and decrypts it back, bound to its encryption context', async () => {
    const plaintext = Buffer.from([0, 1, 2, 127, 128, 254, 255]);
    const encrypted = json(
      await aws(['encrypt', '--key-id', 'alias/cli-scenario', '--plaintext', `fileb://${file('plain.bin', plaintext)}`, '--encryption-context', 'purpose=cli']),
    );
    expect(encrypted.KeyId).toBe(`arn:aws:kms:${REGION}:${accountId}:key/${keyId}`);
    const blob = file('cipher.bin', Buffer.from(encrypted.CiphertextBlob, 'base64'));
    const decrypted = json(await aws(['decrypt', '--ciphertext-blob', `fileb://${blob}`, '--encryption-context', 'purpose=cli']));
    expect(Buffer.from(decrypted.Plaintext, 'base64')).toEqual(plaintext);
    const wrongContext = await aws(['decrypt', '--ciphertext-blob', `fileb://${blob}`, '--encryption-context', 'purpose=other']);
    expect(SERVICE_ERROR_EXIT_CODES).toContain(wrongContext.code);
    expect(wrongContext.stderr).toContain('(InvalidCiphertextException) when calling the Decrypt operation');
  });

  it('generates a data key whose ciphertext decrypts to its plaintext', async () => {
    const dataKey = json(await aws(['generate-data-key', '--key-id', keyId, '--key-spec', 'AES_256']));
    expect(Buffer.from(dataKey.Plaintext, 'base64')).toHaveLength(32);
    const blob = file('data-key.bin', Buffer.from(dataKey.CiphertextBlob, 'base64'));
    expect(json(await aws(['decrypt', '--ciphertext-blob', `fileb://${blob}`])).Plaintext).toBe(dataKey.Plaintext);
  });

  it('answers a dry run that would succeed with DryRunOperationException', async () => {
    const dryRun = await aws(['encrypt', '--key-id', keyId, '--plaintext', `fileb://${file('dry.bin', Buffer.from('x'))}`, '--dry-run']);
    expect(SERVICE_ERROR_EXIT_CODES).toContain(dryRun.code);
    expect(dryRun.stderr).toContain('(DryRunOperationException) when calling the Encrypt operation: The request would have succeeded, but the DryRun option is set.');
  });

  it('turns automatic rotation on', async () => {
    expect(json(await aws(['enable-key-rotation', '--key-id', keyId]))).toEqual({});
    expect(json(await aws(['get-key-rotation-status', '--key-id', keyId])).KeyRotationEnabled).toBe(true);
  });

  it.skipIf(!cliRotatesOnDemand)(`rotates on demand and lists the rotation${cliRotatesOnDemand ? '' : ': skipped, this AWS CLI has no rotate-key-on-demand'}`, async () => {
    expect(json(await aws(['rotate-key-on-demand', '--key-id', keyId])).KeyId).toBe(keyId);
    const rotations = json(await aws(['list-key-rotations', '--key-id', keyId])).Rotations;
    expect(rotations).toEqual([expect.objectContaining({ KeyId: keyId, RotationType: 'ON_DEMAND' })]);
  });

  it('creates, lists and retires a grant', async () => {
    const grantee = `arn:aws:iam::${accountId}:user/grantee`;
    const grant = json(await aws(['create-grant', '--key-id', keyId, '--grantee-principal', grantee, '--operations', 'Encrypt', 'Decrypt', '--retiring-principal', `arn:aws:iam::${accountId}:root`]));
    expect(grant.GrantId).toMatch(/^[0-9a-f]{64}$/);
    const listed = json(await aws(['list-grants', '--key-id', keyId])).Grants;
    expect(listed).toEqual([expect.objectContaining({ GrantId: grant.GrantId, GranteePrincipal: grantee, Operations: ['Encrypt', 'Decrypt'] })]);
    expect(json(await aws(['retire-grant', '--grant-token', grant.GrantToken]))).toEqual({});
    expect(json(await aws(['list-grants', '--key-id', keyId])).Grants).toEqual([]);
  });

  it('tags a key and lists its tags', async () => {
    expect(json(await aws(['tag-resource', '--key-id', keyId, '--tags', 'TagKey=team,TagValue=payments']))).toEqual({});
    expect(json(await aws(['list-resource-tags', '--key-id', keyId])).Tags).toEqual([{ TagKey: 'team', TagValue: 'payments' }]);
  });

  it('schedules the key for deletion and cancels it, leaving it disabled', async () => {
    const scheduled = json(await aws(['schedule-key-deletion', '--key-id', keyId, '--pending-window-in-days', '7']));
    expect(scheduled).toMatchObject({ KeyId: `arn:aws:kms:${REGION}:${accountId}:key/${keyId}`, KeyState: 'PendingDeletion', PendingWindowInDays: 7 });
    expect(json(await aws(['describe-key', '--key-id', keyId])).KeyMetadata.KeyState).toBe('PendingDeletion');
    expect(json(await aws(['cancel-key-deletion', '--key-id', keyId])).KeyId).toBe(`arn:aws:kms:${REGION}:${accountId}:key/${keyId}`);
    expect(json(await aws(['describe-key', '--key-id', keyId])).KeyMetadata.KeyState).toBe('Disabled');
  });

  it('denies a user that has no identity policy, created with keytrail identity while serving', async () => {
    const principal = await keytrail(['identity', 'create-principal', '--name', 'dana']);
    expect(principal.code, principal.stderr).toBe(0);
    const accessKey = await keytrail(['identity', 'create-access-key', '--user', 'dana', '--profile', 'dana']);
    expect(accessKey.code, accessKey.stderr).toBe(0);
    expect(accessKey.stdout).toMatch(/^\[dana\]\naws_access_key_id = AKIA/);
    const dana = { file: file('dana-credentials', Buffer.from(accessKey.stdout)), profile: 'dana' };
    const denied = await aws(['describe-key', '--key-id', keyId], dana);
    expect(SERVICE_ERROR_EXIT_CODES).toContain(denied.code);
    expect(denied.stderr).toContain(`(AccessDeniedException) when calling the DescribeKey operation: User: arn:aws:iam::${accountId}:user/dana is not authorized to perform: kms:DescribeKey`);
  });

  it('refuses a request signed with the wrong secret', async () => {
    const wrong = readFileSync(credentialsFile, 'utf8').replace(/aws_secret_access_key = \S+/, `aws_secret_access_key = ${'A'.repeat(40)}`);
    const refused = await aws(['list-keys'], { file: file('wrong-credentials', Buffer.from(wrong)), profile: 'keytrail' });
    expect(SERVICE_ERROR_EXIT_CODES).toContain(refused.code);
    expect(refused.stderr).toContain('(InvalidSignatureException) when calling the ListKeys operation: The request signature we calculated does not match');
  });

  it('stops cleanly on SIGTERM', async () => {
    server.kill('SIGTERM');
    expect(await serverExit).toBe(0);
  });
});

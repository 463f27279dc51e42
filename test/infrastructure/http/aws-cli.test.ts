import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KmsHttpServer } from '../../../src/infrastructure/http/kms-http-server.js';
import { ALICE_KEY, directoryWithAlice, RecordingOperations } from './support/doubles.js';

const run = promisify(execFile);
const cliAvailable = spawnSync('aws', ['--version'], { encoding: 'utf8' }).status === 0;

/**
 * The AWS CLI signs with botocore and its own clock, which cannot be offset: here the
 * server runs on the machine's clock. Nothing asserts on that time.
 */
describe.skipIf(!cliAvailable)('the KMS wire layer with the AWS CLI', () => {
  const operations = new RecordingOperations();
  const server = new KmsHttpServer(operations, directoryWithAlice(), { now: () => new Date() }, { maxBodyBytes: 1024 * 1024 });
  const scratch = mkdtempSync(join(tmpdir(), 'keytrail-cli-'));
  let endpoint = '';

  const aws = async (args: string[], secretAccessKey = ALICE_KEY.secretAccessKey) =>
    run('aws', [...args, '--endpoint-url', endpoint, '--region', 'ap-south-1', '--output', 'json'], {
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: scratch,
        AWS_ACCESS_KEY_ID: ALICE_KEY.accessKeyId,
        AWS_SECRET_ACCESS_KEY: secretAccessKey,
        AWS_CONFIG_FILE: join(scratch, 'none'),
        AWS_SHARED_CREDENTIALS_FILE: join(scratch, 'none'),
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_MAX_ATTEMPTS: '1',
      },
    });

  beforeAll(async () => {
    endpoint = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
  });
  afterAll(async () => {
    await server.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('creates a key with tags, signed by the CLI', async () => {
    const { stdout } = await aws(['kms', 'create-key', '--description', 'payroll', '--tags', 'TagKey=team,TagValue=finance']);
    expect(JSON.parse(stdout).KeyMetadata.Description).toBe('payroll');
    const call = operations.calls.at(-1)!;
    expect(call.operation).toBe('CreateKey');
    expect(call.input).toEqual({ Description: 'payroll', Tags: [{ TagKey: 'team', TagValue: 'finance' }] });
    expect(call.call.region).toBe('ap-south-1');
    expect(call.call.userAgent).toMatch(/^aws-cli\//);
  });

  it('carries binary plaintext and ciphertext', async () => {
    const file = join(scratch, 'plaintext.bin');
    writeFileSync(file, Buffer.from([0, 1, 2, 250, 255]));
    const { stdout } = await aws(['kms', 'encrypt', '--key-id', 'alias/payroll', '--plaintext', `fileb://${file}`]);
    expect(Buffer.from(JSON.parse(stdout).CiphertextBlob, 'base64')).toEqual(Buffer.from([255, 250, 2, 1, 0]));
    expect(Buffer.from(operations.calls.at(-1)!.input['Plaintext'] as Uint8Array)).toEqual(Buffer.from([0, 1, 2, 250, 255]));
  });

  it('reports a wrong secret as InvalidSignatureException', async () => {
    const failure = await aws(['kms', 'list-keys'], 'wrong-secret').then(
      () => null,
      (error: { stderr: string }) => error,
    );
    expect(failure?.stderr).toMatch(/InvalidSignatureException/);
  });
});

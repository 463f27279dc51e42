import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listPublicKeysDocument } from '../../src/application/cloudtrail/public-key-document.js';
import { ACCOUNT_A, ALICE, ALL_KMS, KmsFixture, REGION } from '../application/kms/support/kms-fixture.js';
import { BUCKET, exportTo, tempDir, TEST_SIGNER, TRAIL } from './support/trail-fixture.js';
import { filesUnder as files } from './support/files-under.js';

const HARNESS = join(import.meta.dirname, 'support', 'awscli_validate.py');


/**
 * A Python that has the AWS CLI's modules: the first on PATH for a pip-installed CLI, or
 * the system one for Debian's awscli package.
 */
const PYTHON =
  ['python3', '/usr/bin/python3'].find(
    (python) => spawnSync(python, ['-c', 'import awscli.customizations.cloudtrail.validation']).status === 0,
  ) ?? 'python3';

/** `aws cloudtrail validate-logs`, the AWS CLI's own code, over the folder. */
function validateLogs(dir: string, keysFile: string) {
  const run = spawnSync(
    PYTHON,
    [HARNESS, dir, BUCKET, ACCOUNT_A, REGION, TRAIL, keysFile, '2031-05-04T09:00:00Z', '2031-05-04T14:00:00Z'],
    { encoding: 'utf8' },
  );
  if (run.error) throw run.error;
  const summary = run.stdout.trim().split('\n').pop()!;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, summary: JSON.parse(summary) as Record<string, number> };
}

describe("the AWS CLI's CloudTrail validation accepts a KeyTrail export", () => {
  const kms = new KmsFixture();
  const dir = tempDir();
  const keys = tempDir();
  const keysFile = join(keys.path, 'public-keys.json');

  beforeAll(async () => {
    await kms.identity(ALICE, { admin: ALL_KMS });
    kms.time = '2031-05-04T10:10:00.000Z';
    const { keyId } = await kms.createKey(ALICE);
    for (const [i, time] of ['2031-05-04T10:20:00.000Z', '2031-05-04T11:05:00.000Z', '2031-05-04T12:50:00.000Z'].entries()) {
      kms.time = time;
      await kms.invoke(ALICE, 'Encrypt', { KeyId: keyId, Plaintext: new Uint8Array([i]) });
    }
    await exportTo(kms.store, dir.path);
    writeFileSync(keysFile, JSON.stringify(listPublicKeysDocument(TEST_SIGNER, new Date('2031-01-01T00:00:00Z'))));
  });
  afterAll(async () => {
    await kms.close();
    dir.remove();
    keys.remove();
  });

  it('validates every digest and log file', () => {
    const result = validateLogs(dir.path, keysFile);
    expect(result.stderr).toBe('');
    expect(result.summary).toEqual({ validDigests: 3, invalidDigests: 0, validLogs: 4, invalidLogs: 0 });
    expect(result.stdout).toContain('3/3 digest files valid');
    expect(result.stdout).toContain('4/4 log files valid');
    expect(result.status).toBe(0);
  });

  it('reports a tampered log file, as it would in S3', () => {
    const log = files(dir.path).find((f) => f.includes('/CloudTrail/'))!;
    const path = join(dir.path, log);
    const original = readFileSync(path);
    try {
      const content = gunzipSync(original).toString().replace('kms.amazonaws.com', 'kms.amazonaws.org');
      writeFileSync(path, gzipSync(content));
      const result = validateLogs(dir.path, keysFile);
      expect(result.stderr).toContain(`Log file\ts3://${BUCKET}/${log}\tINVALID: hash value doesn't match`);
      expect(result.status).toBe(1);
    } finally {
      writeFileSync(path, original);
    }
  });
});

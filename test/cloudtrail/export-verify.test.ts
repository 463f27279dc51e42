import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrailVerifier } from '../../src/application/cloudtrail/trail-verifier.js';
import { FsTrailFolder, SIGNATURE_SIDECAR_SUFFIX } from '../../src/infrastructure/cloudtrail/fs-trail-folder.js';
import { ACCOUNT_A, ACCOUNT_B, ALICE, ALL_KMS, BOB, KmsFixture, REGION, ROOT_B } from '../application/kms/support/kms-fixture.js';
import { exportTo, tempDir, TEST_SIGNER } from './support/trail-fixture.js';
import { filesUnder as files } from './support/files-under.js';


const verify = (dir: string) => new TrailVerifier(new FsTrailFolder(dir), TEST_SIGNER).verify();

/** A history over three hours in two accounts: calls every few minutes, a quiet hour, failures. */
async function history(kms: KmsFixture): Promise<number> {
  let calls = 0;
  const at = (iso: string) => (kms.time = iso);
  await kms.identity(ALICE, { admin: ALL_KMS });
  await kms.identity(BOB, { admin: ALL_KMS });
  at('2031-05-04T10:01:00.000Z');
  const { keyId } = await kms.createKey(ALICE);
  calls++;
  for (let i = 0; i < 12; i++) {
    at(new Date(Date.parse('2031-05-04T10:02:00.000Z') + i * 4 * 60_000).toISOString());
    await kms.invoke(ALICE, 'Encrypt', { KeyId: keyId, Plaintext: new Uint8Array([i]), EncryptionContext: { n: String(i) } });
    calls++;
  }
  at('2031-05-04T10:40:00.000Z');
  await kms.errorOf(ALICE, 'DescribeKey', { KeyId: '0badc0de-0000-4000-8000-000000000000' });
  calls++;
  at('2031-05-04T10:41:00.000Z');
  await kms.createKey(ROOT_B);
  calls++;
  // 11:00-12:00 is quiet: its digest lists no log files.
  at('2031-05-04T12:15:00.000Z');
  await kms.invoke(ALICE, 'DisableKey', { KeyId: keyId });
  await kms.invoke(BOB, 'ListKeys', {});
  calls += 2;
  return calls;
}

describe('trail export and verification', () => {
  const kms = new KmsFixture();
  const dir = tempDir();
  const again = tempDir();
  let calls = 0;

  beforeAll(async () => {
    calls = await history(kms);
    await exportTo(kms.store, dir.path);
    await exportTo(kms.store, again.path);
  });
  afterAll(async () => {
    await kms.close();
    dir.remove();
    again.remove();
  });

  it('lays out one log file per account, Region and 5-minute window, and hourly signed digests', () => {
    const all = files(dir.path);
    const logs = all.filter((f) => f.includes('/CloudTrail/'));
    const digests = all.filter((f) => f.includes('/CloudTrail-Digest/') && f.endsWith('.json.gz'));
    expect(logs.every((f) => /^AWSLogs\/\d{12}\/CloudTrail\/eu-west-3\/2031\/05\/04\/\d{12}_CloudTrail_eu-west-3_20310504T\d{4}Z_[A-Za-z0-9]{16}\.json\.gz$/.test(f))).toBe(true);
    // Account A: windows 10:00 .. 10:45 with calls, then 12:15; account B: 10:40 and 12:15.
    const windows = logs.map((f) => /_(\d{8}T\d{4}Z)_/.exec(f)![1]! + f.split('/')[1]);
    expect(new Set(windows).size).toBe(logs.length);
    const records = logs.flatMap((f) => (JSON.parse(gunzipSync(readFileSync(join(dir.path, f))).toString()) as { Records: unknown[] }).Records);
    expect(records).toHaveLength(calls);
    // Three hours (10, 11, 12) in each account: the quiet hour has a digest too.
    expect(digests.map((f) => f.replace(/^.*_(\d{8}T\d{6}Z)\.json\.gz$/, `${f.split('/')[1]} $1`))).toEqual([
      `${ACCOUNT_A} 20310504T110000Z`, `${ACCOUNT_A} 20310504T120000Z`, `${ACCOUNT_A} 20310504T130000Z`,
      `${ACCOUNT_B} 20310504T110000Z`, `${ACCOUNT_B} 20310504T120000Z`, `${ACCOUNT_B} 20310504T130000Z`,
    ]);
    for (const d of digests) expect(all).toContain(d + SIGNATURE_SIDECAR_SUFFIX);
    const quiet = JSON.parse(gunzipSync(readFileSync(join(dir.path, digests[1]!))).toString());
    expect(quiet).toMatchObject({ awsAccountId: ACCOUNT_A, digestStartTime: '2031-05-04T11:00:00Z', digestEndTime: '2031-05-04T12:00:00Z', logFiles: [], previousDigestS3Object: digests[0] });
  });

  it('verifies a trail that nobody touched', async () => {
    expect(await verify(dir.path)).toEqual({ problems: [], validDigests: 6, validLogFiles: expect.any(Number) });
  });

  it('exports a fixed history byte for byte the same', () => {
    const a = files(dir.path);
    expect(files(again.path)).toEqual(a);
    for (const f of a) expect(readFileSync(join(again.path, f)).equals(readFileSync(join(dir.path, f))), f).toBe(true);
  });

  describe('tampering', () => {
    let copy: { path: string; remove(): void };
    beforeAll(() => undefined);
    const fresh = async () => {
      copy?.remove();
      copy = tempDir();
      await exportTo(kms.store, copy.path);
      const all = files(copy.path);
      return {
        logs: all.filter((f) => f.includes('/CloudTrail/')),
        digests: all.filter((f) => f.includes('/CloudTrail-Digest/') && f.endsWith('.json.gz')),
      };
    };
    afterAll(() => copy?.remove());

    it('names a log file with one byte changed in its records', async () => {
      const { logs } = await fresh();
      const target = join(copy.path, logs[2]!);
      const content = gunzipSync(readFileSync(target));
      content[content.indexOf('"Encrypt"') + 1] = 'e'.charCodeAt(0);
      writeFileSync(target, gzipSync(content));
      expect((await verify(copy.path)).problems).toEqual([{ kind: 'modified', file: logs[2], detail: expect.stringContaining('SHA-256 differs') }]);
    });

    it('names a log file with one byte of its gzip changed', async () => {
      const { logs } = await fresh();
      const target = join(copy.path, logs[0]!);
      const bytes = readFileSync(target);
      bytes[bytes.length - 12] = bytes[bytes.length - 12]! ^ 0x01;
      writeFileSync(target, bytes);
      expect((await verify(copy.path)).problems).toEqual([{ kind: 'modified', file: logs[0], detail: expect.any(String) }]);
    });

    it('names a deleted log file', async () => {
      const { logs } = await fresh();
      rmSync(join(copy.path, logs[1]!));
      expect((await verify(copy.path)).problems).toEqual([{ kind: 'deleted', file: logs[1], detail: expect.stringContaining('listed by') }]);
    });

    it('names an inserted log file', async () => {
      const { logs } = await fresh();
      const forged = logs[0]!.replace(/_[A-Za-z0-9]{16}\.json\.gz$/, '_ForgedForgedForg.json.gz');
      writeFileSync(join(copy.path, forged), gzipSync('{"Records":[]}'));
      expect((await verify(copy.path)).problems).toEqual([{ kind: 'inserted', file: forged, detail: 'no digest lists it' }]);
    });

    it('names an edited digest and the log files it can no longer vouch for', async () => {
      const { digests } = await fresh();
      const target = join(copy.path, digests[0]!);
      const digest = JSON.parse(gunzipSync(readFileSync(target)).toString()) as { logFiles: Array<{ s3Object: string; hashValue: string }> };
      digest.logFiles[0]!.hashValue = '0'.repeat(64);
      writeFileSync(target, gzipSync(JSON.stringify(digest)));
      const { problems } = await verify(copy.path);
      expect(problems).toContainEqual({ kind: 'modified', file: digests[0], detail: 'signature verification failed' });
      expect(problems.filter((p) => p.kind === 'unverified').map((p) => p.file).sort()).toEqual(digest.logFiles.map((l) => l.s3Object).sort());
      expect(problems.filter((p) => !['modified', 'unverified'].includes(p.kind))).toEqual([]);
    });

    it('names a deleted digest, from the digest that chains to it', async () => {
      const { digests } = await fresh();
      rmSync(join(copy.path, digests[1]!));
      rmSync(join(copy.path, digests[1]! + SIGNATURE_SIDECAR_SUFFIX));
      expect((await verify(copy.path)).problems).toEqual([{ kind: 'deleted', file: digests[1], detail: `${digests[2]} chains to it` }]);
    });

    it('names a gap: an hour that no digest covers', async () => {
      copy?.remove();
      copy = tempDir();
      // Two exports into one folder, an hour apart: as if the trail had stopped logging from 11:00 to 12:00.
      await exportTo(kms.store, copy.path, { account: ACCOUNT_A, from: new Date('2031-05-04T10:00:00Z'), to: new Date('2031-05-04T11:00:00Z') });
      await exportTo(kms.store, copy.path, { account: ACCOUNT_A, from: new Date('2031-05-04T12:00:00Z'), to: new Date('2031-05-04T13:00:00Z') });
      const after = files(copy.path).find((f) => f.endsWith('_20310504T130000Z.json.gz'))!;
      expect((await verify(copy.path)).problems).toEqual([
        { kind: 'gap', file: after, detail: 'the chain restarts: nothing links 2031-05-04T11:00:00Z to 2031-05-04T12:00:00Z' },
      ]);
    });
  });

  it('exports one account only, over a time range', async () => {
    const only = tempDir();
    try {
      const summary = await exportTo(kms.store, only.path, { account: ACCOUNT_B, from: new Date('2031-05-04T10:00:00Z'), to: new Date('2031-05-04T11:00:00Z') });
      expect(summary).toMatchObject({ records: 1, logFiles: 1, digests: 1, channels: [{ account: ACCOUNT_B, region: REGION }] });
      expect((await verify(only.path)).problems).toEqual([]);
    } finally {
      only.remove();
    }
  });
});

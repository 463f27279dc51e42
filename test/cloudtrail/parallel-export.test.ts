import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudTrailReplay } from '../../src/application/cloudtrail/cloudtrail-replay.js';
import { InProcessRecordSource } from '../../src/application/cloudtrail/in-process-record-source.js';
import { KeyLocator } from '../../src/application/cloudtrail/key-location.js';
import { TrailExporter, type ExportSummary } from '../../src/application/cloudtrail/trail-exporter.js';
import type { TrailPartExporter, TrailPartResult } from '../../src/application/cloudtrail/trail-part.js';
import { TrailVerifier } from '../../src/application/cloudtrail/trail-verifier.js';
import type { EventToAppend } from '../../src/application/ports/event-store.js';
import { FsTrailFolder } from '../../src/infrastructure/cloudtrail/fs-trail-folder.js';
import { WorkerTrailPartExporter } from '../../src/infrastructure/cloudtrail/worker-trail-part-exporter.js';
import { SqliteEventStore } from '../../src/infrastructure/eventstore/sqlite/sqlite-event-store.js';
import { filesUnder } from './support/files-under.js';
import { BUCKET, TEST_SIGNER, TRAIL, tempDir } from './support/trail-fixture.js';

/** The thread runs compiled code: `npm test` builds first. */
const ENTRY = new URL('../../dist/src/infrastructure/cloudtrail/trail-part-thread.js', import.meta.url);

const ACCOUNTS = ['111122223333', '444455556666'];
const REGION = 'eu-west-3';
const START = Date.parse('2031-05-04T10:00:00Z');
const CALLS = 24_000;
/** 24,000 calls 0.6 s apart: four hours, so the cut falls inside the chain, not at its ends. */
const SPACING_MS = 600;

function call(account: string, i: number, timeMs: number): EventToAppend {
  const keyId = `0000000${i % 7}-0000-4000-8000-000000000000`;
  const caller = { type: 'IAMUser', principalId: `AIDA${account}`, arn: `arn:aws:iam::${account}:user/alice`, accountId: account, accessKeyId: `AKIA${account}`, userName: 'alice' };
  const metadata = {
    schemaVersion: 1, requestId: `req-${i}`, eventId: `evt-${i}`, time: new Date(timeMs).toISOString(), caller,
    sourceIp: '192.0.2.10', userAgent: 'test', region: REGION, operation: 'Encrypt', eventType: 'AwsApiCall',
  };
  const arn = `arn:aws:kms:${REGION}:${account}:key/${keyId}`;
  return {
    id: randomUUID(),
    type: 'KmsCallRecorded',
    data: { operation: 'Encrypt', readOnly: true, requestParameters: { keyId, n: i }, responseElements: null, errorCode: null, errorMessage: null, resources: [{ accountId: account, type: 'AWS::KMS::Key', ARN: arn }] },
    metadata,
  };
}

/**
 * Calls in two accounts, appended in the order they were made (as the server does) in runs
 * of 50 per account; `timeOf` may send some back in time, as a late write would.
 */
async function fillStore(path: string, timeOf: (i: number) => number): Promise<void> {
  const store = SqliteEventStore.open(path);
  try {
    for (let from = 0; from < CALLS; from += 50) {
      const account = ACCOUNTS[Math.floor(from / 50) % 3 === 0 ? 1 : 0]!;
      const events = Array.from({ length: Math.min(50, CALLS - from) }, (_, k) => call(account, from + k, timeOf(from + k)));
      await store.append(`kmscall-${account}_${REGION}_20310504`, events, 'any');
    }
  } finally {
    await store.close();
  }
}

/** The worker exporter, noting whether the part it ran was kept. */
class Observed implements TrailPartExporter {
  readonly results: TrailPartResult[] = [];
  constructor(private readonly inner: TrailPartExporter) {}
  supports(storage: FsTrailFolder) {
    return this.inner.supports(storage);
  }
  async exportPart(...args: Parameters<TrailPartExporter['exportPart']>) {
    const result = await this.inner.exportPart(...args);
    this.results.push(result);
    return result;
  }
  remove(...args: Parameters<TrailPartExporter['remove']>) {
    return this.inner.remove(...args);
  }
}

async function exportWith(db: string, dir: string, threads: number, parts: Observed, range: { from?: Date; to?: Date; account?: string } = {}): Promise<ExportSummary> {
  const store = SqliteEventStore.open(db);
  try {
    const exporter = new TrailExporter(new InProcessRecordSource(store, new CloudTrailReplay(store, new KeyLocator(store))), TEST_SIGNER, parts);
    return await exporter.export(new FsTrailFolder(dir), { bucket: BUCKET, trailName: TRAIL, threads, ...range });
  } finally {
    await store.close();
  }
}

function expectSameFiles(a: string, b: string): void {
  const names = filesUnder(a);
  expect(filesUnder(b)).toEqual(names);
  for (const f of names) expect(readFileSync(join(b, f)).equals(readFileSync(join(a, f))), f).toBe(true);
}

describe.skipIf(!existsSync(ENTRY))('trail export in two threads (needs `npm run build`; npm test builds)', () => {
  const work = tempDir();
  const parts = () => new Observed(new WorkerTrailPartExporter(join(work.path, 'unused.db'), ENTRY));
  afterAll(() => work.remove());

  describe('calls nearly in order', () => {
    const db = join(work.path, 'ordered.db');
    // Every 101st call is written 40 s after it happened; in the first and last quarters every
    // 997th call 12 minutes after, behind windows already delivered.
    const late = (i: number) => (i % 997 === 0 && (i < CALLS / 4 || i > (3 * CALLS) / 4) ? 12 * 60_000 : i % 101 === 0 ? 40_000 : 0);
    beforeAll(() => fillStore(db, (i) => START + i * SPACING_MS - late(i)));

    it('writes the same bytes with one thread and with two, and the second thread did export', async () => {
      const one = join(work.path, 'ordered-1');
      const two = join(work.path, 'ordered-2');
      const observed = new Observed(new WorkerTrailPartExporter(db, ENTRY));
      const single = await exportWith(db, one, 1, parts());
      const parallel = await exportWith(db, two, 2, observed);
      expect(observed.results).toHaveLength(1);
      expect(observed.results[0]).toMatchObject({ consistent: true });
      expect(observed.results[0]!.records).toBeGreaterThan(CALLS / 4);
      expect(parallel).toEqual(single);
      expect(single.records).toBe(CALLS);
      expectSameFiles(one, two);
      expect((await new TrailVerifier(new FsTrailFolder(two), TEST_SIGNER).verify()).problems).toEqual([]);
    });

    it('writes the same bytes for one account over a time range, whose chain starts at --from', async () => {
      const range = { from: new Date('2031-05-04T10:40:00Z'), to: new Date('2031-05-04T13:20:00Z'), account: ACCOUNTS[0]! };
      const one = join(work.path, 'ranged-1');
      const two = join(work.path, 'ranged-2');
      const observed = new Observed(new WorkerTrailPartExporter(db, ENTRY));
      const single = await exportWith(db, one, 1, parts(), range);
      const parallel = await exportWith(db, two, 2, observed, range);
      expect(observed.results.map((r) => r.consistent)).toEqual([true]);
      expect(parallel).toEqual(single);
      expect(single.channels).toEqual([expect.objectContaining({ account: ACCOUNTS[0] })]);
      expectSameFiles(one, two);
    });
  });

  describe('calls whose times jump back across the cut', () => {
    const db = join(work.path, 'jumping.db');
    // In the second half, every 2000th call is two hours old: it lands before any cut near the middle.
    beforeAll(() => fillStore(db, (i) => START + i * SPACING_MS - (i > CALLS / 2 && i % 2000 === 0 ? 2 * 3600_000 : 0)));

    it('notices, exports in one pass instead, and leaves no file of the abandoned part', async () => {
      const one = join(work.path, 'jumping-1');
      const two = join(work.path, 'jumping-2');
      const observed = new Observed(new WorkerTrailPartExporter(db, ENTRY));
      const single = await exportWith(db, one, 1, parts());
      const parallel = await exportWith(db, two, 2, observed);
      expect(observed.results.map((r) => r.consistent)).toEqual([false]);
      expect(parallel).toEqual(single);
      expectSameFiles(one, two);
    });
  });
});

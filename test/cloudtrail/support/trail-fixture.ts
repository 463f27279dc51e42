import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudTrailReplay } from '../../../src/application/cloudtrail/cloudtrail-replay.js';
import type { CloudTrailRecord } from '../../../src/application/cloudtrail/cloudtrail-record.js';
import { InProcessRecordSource } from '../../../src/application/cloudtrail/in-process-record-source.js';
import { KeyLocator } from '../../../src/application/cloudtrail/key-location.js';
import { TrailExporter, type ExportSummary } from '../../../src/application/cloudtrail/trail-exporter.js';
import { TrailSigner } from '../../../src/application/cloudtrail/trail-ports.js';
import type { EventStore } from '../../../src/application/ports/event-store.js';
import { FsTrailFolder } from '../../../src/infrastructure/cloudtrail/fs-trail-folder.js';
import { RsaTrailSigner } from '../../../src/infrastructure/cloudtrail/rsa-trail-key.js';

/** One signing key for the whole test file: generating RSA keys is the slow part. */
export const TEST_SIGNER = new RsaTrailSigner(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);

export const BUCKET = 'audit-bucket';
export const TRAIL = 'keytrail';

export async function replayAll(store: EventStore): Promise<CloudTrailRecord[]> {
  const out: CloudTrailRecord[] = [];
  for await (const r of new CloudTrailReplay(store, new KeyLocator(store)).history()) out.push(r.record);
  return out;
}

export function exporter(store: EventStore, signer: TrailSigner = TEST_SIGNER): TrailExporter {
  return new TrailExporter(new InProcessRecordSource(store, new CloudTrailReplay(store, new KeyLocator(store))), signer);
}

export async function exportTo(store: EventStore, dir: string, options: { from?: Date; to?: Date; account?: string } = {}): Promise<ExportSummary> {
  return exporter(store).export(new FsTrailFolder(dir), { bucket: BUCKET, trailName: TRAIL, ...options });
}

export function tempDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'keytrail-trail-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * The thread that exports the later part of a trail export (see
 * application/cloudtrail/trail-part.ts): its own connection to the SQLite file (WAL lets
 * readers share it with the exporting thread), its own gzip and hashing, and back to the
 * exporting thread only the list of files it wrote.
 */
import 'reflect-metadata';
import { parentPort, workerData } from 'node:worker_threads';
import { CloudTrailReplay } from '../../application/cloudtrail/cloudtrail-replay.js';
import { InProcessRecordSource } from '../../application/cloudtrail/in-process-record-source.js';
import { KeyLocator } from '../../application/cloudtrail/key-location.js';
import { exportLaterPart } from '../../application/cloudtrail/trail-exporter.js';
import type { TrailPartRequest } from '../../application/cloudtrail/trail-part.js';
import { SqliteEventStore } from '../eventstore/sqlite/sqlite-event-store.js';
import { SqliteEventTextLog } from '../eventstore/sqlite/sqlite-event-text-log.js';
import { FsTrailFolder } from './fs-trail-folder.js';
import type { FromPartThread, PartThreadData } from './worker-trail-part-exporter.js';

/** Progress messages are sent at most this often. */
const PROGRESS_EVERY_MS = 200;

const data = workerData as PartThreadData;
const port = parentPort!;
const store = SqliteEventStore.open(data.sqlitePath, { writerThread: false });
try {
  let last = 0;
  const request: TrailPartRequest = data.request;
  const result = await exportLaterPart(new InProcessRecordSource(store, new CloudTrailReplay(store, new KeyLocator(store)), new SqliteEventTextLog(store)), new FsTrailFolder(data.root), request, (records, fraction) => {
    const now = Date.now();
    if (now - last < PROGRESS_EVERY_MS) return;
    last = now;
    port.postMessage({ kind: 'progress', records, fraction } satisfies FromPartThread);
  });
  port.postMessage({ kind: 'done', result } satisfies FromPartThread);
} finally {
  await store.close();
}

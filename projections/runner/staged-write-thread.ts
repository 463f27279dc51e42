/**
 * The thread that writes one staged projection's batches (staged-writer.ts): its own
 * connection to the read-model file, the projection found by module and export name.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { CheckpointStore } from './checkpoint-store.js';
import { isStaged, type Projection } from './projection.js';
import { runCaughtUp, writeStagedBatch } from './staged-batch.js';
import type { FromStagedThread, StagedThreadData, ToStagedThread } from './staged-writer.js';

const data = workerData as StagedThreadData;
const projection = ((await import(data.module)) as Record<string, Projection>)[data.exportName];
if (projection === undefined || !isStaged(projection)) throw new Error(`${data.module} exports no staged projection named ${data.exportName}`);
const db = new Database(data.path);
db.pragma('busy_timeout = 10000');
db.pragma(`synchronous = ${data.synchronous}`);
const checkpoints = new CheckpointStore(db);

parentPort!.on('message', (message: ToStagedThread) => {
  const result = message.kind === 'batch' ? writeStagedBatch(db, checkpoints, projection, message.batch) : runCaughtUp(db, projection);
  parentPort!.postMessage({ kind: 'answer', id: message.id, result } satisfies FromStagedThread);
});
Atomics.store(data.loaded, 0, 1);
parentPort!.postMessage({ kind: 'ready' } satisfies FromStagedThread);

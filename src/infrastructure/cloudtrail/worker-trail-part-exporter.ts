import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { TrailPartExporter, TrailPartRequest, TrailPartResult } from '../../application/cloudtrail/trail-part.js';
import type { TrailStorage } from '../../application/cloudtrail/trail-ports.js';
import { FsTrailFolder } from './fs-trail-folder.js';

export interface PartThreadData {
  readonly sqlitePath: string;
  readonly root: string;
  readonly request: TrailPartRequest;
}

export type FromPartThread = { readonly kind: 'progress'; readonly records: number; readonly fraction: number } | { readonly kind: 'done'; readonly result: TrailPartResult };

/**
 * The part thread's heap. Its records stream through as they do here; what it keeps is
 * one open file per account and Region, key and JSON caches, and the list of files it
 * wrote: a small heap keeps the whole process's peak memory near a one-thread export's.
 */
const PART_THREAD_LIMITS = { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 4 };

/** The compiled entry of the part thread, beside this file (dist/ when the package runs). */
export const PART_THREAD_ENTRY = new URL('./trail-part-thread.js', import.meta.url);

/**
 * Runs the later part of an export on a worker thread over a SQLite event store, writing
 * into an export folder. Anything else (EventStoreDB, other storage) is exported in one
 * pass. `entry` is the compiled thread file; tests of the TypeScript sources point it at
 * dist/.
 */
export class WorkerTrailPartExporter implements TrailPartExporter {
  constructor(
    private readonly sqlitePath: string | null,
    private readonly entry: URL = PART_THREAD_ENTRY,
  ) {}

  supports(storage: TrailStorage): boolean {
    return this.sqlitePath !== null && this.sqlitePath !== ':memory:' && storage instanceof FsTrailFolder && existsSync(fileURLToPath(this.entry));
  }

  exportPart(storage: TrailStorage, request: TrailPartRequest, onProgress?: (records: number, fraction: number) => void): Promise<TrailPartResult> {
    if (!(storage instanceof FsTrailFolder) || this.sqlitePath === null) return Promise.reject(new TypeError('Exporting in parts needs a SQLite event store and an export folder'));
    const data: PartThreadData = { sqlitePath: this.sqlitePath, root: storage.root, request };
    const worker = new Worker(this.entry, { workerData: data, resourceLimits: PART_THREAD_LIMITS });
    return new Promise<TrailPartResult>((resolve, reject) => {
      let result: TrailPartResult | null = null;
      worker.on('message', (message: FromPartThread) => {
        if (message.kind === 'progress') onProgress?.(message.records, message.fraction);
        else result = message.result;
      });
      worker.on('error', reject);
      worker.on('exit', (code) => {
        if (result !== null) resolve(result);
        else reject(new Error(`The trail export thread exited (code ${code}) without a result`));
      });
    });
  }

  async remove(storage: TrailStorage, keys: readonly string[]): Promise<void> {
    if (!(storage instanceof FsTrailFolder)) return;
    for (const key of keys) await storage.removeObject(key);
  }
}

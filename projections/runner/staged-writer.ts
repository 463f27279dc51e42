import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { compiledModule } from '../../src/infrastructure/compiled-module.js';
import { CheckpointStore } from './checkpoint-store.js';
import type { StagedProjection } from './projection.js';
import { runCaughtUp, writeStagedBatch, type StagedBatch, type StagedResult } from './staged-batch.js';

/** Writes a staged projection's batches, in the order given; answers never reject. */
export interface StagedWriter {
  /** Gets ready for the first batch (a thread loads its modules meanwhile). */
  open(): void;
  write(batch: StagedBatch): Promise<StagedResult>;
  caughtUp(): Promise<StagedResult>;
  /** Lets go of the thread, if any, once what was handed over is answered. */
  close(): Promise<void>;
}

export type ToStagedThread = { readonly id: number } & ({ readonly kind: 'batch'; readonly batch: StagedBatch } | { readonly kind: 'caughtUp' });
export interface FromStagedThread {
  readonly id: number;
  readonly result: StagedResult;
}
export interface StagedThreadData {
  readonly path: string;
  readonly synchronous: number;
  readonly module: string;
  readonly exportName: string;
}

/** On the runner's own connection: an in-memory database cannot be shared with a thread. */
class InThreadStagedWriter implements StagedWriter {
  private readonly checkpoints: CheckpointStore;

  constructor(private readonly db: Database.Database, private readonly projection: StagedProjection) {
    this.checkpoints = new CheckpointStore(db);
  }

  open(): void {}

  write(batch: StagedBatch): Promise<StagedResult> {
    return Promise.resolve(writeStagedBatch(this.db, this.checkpoints, this.projection, batch));
  }

  caughtUp(): Promise<StagedResult> {
    return Promise.resolve(runCaughtUp(this.db, this.projection));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * A worker thread with its own connection to the read-model file (WAL lets the runner's
 * connection read beside it). Started at the first batch; it holds the process open only
 * while batches are unanswered.
 */
class ThreadStagedWriter implements StagedWriter {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, (result: StagedResult) => void>();

  constructor(private readonly data: StagedThreadData) {}

  open(): void {
    this.thread().unref();
  }

  write(batch: StagedBatch): Promise<StagedResult> {
    return this.send({ kind: 'batch', id: this.nextId++, batch });
  }

  caughtUp(): Promise<StagedResult> {
    return this.send({ kind: 'caughtUp', id: this.nextId++ });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (worker === null) return;
    this.worker = null;
    await worker.terminate();
    this.answerAll({ kind: 'failed', message: 'The projection writer was closed' });
  }

  private send(message: ToStagedThread): Promise<StagedResult> {
    const worker = this.thread();
    const answered = new Promise<StagedResult>((resolve) => this.waiting.set(message.id, resolve));
    worker.ref();
    worker.postMessage(message);
    return answered;
  }

  private thread(): Worker {
    if (this.worker !== null) return this.worker;
    const worker = new Worker(compiledModule(new URL('./staged-write-thread.js', import.meta.url)), { workerData: this.data });
    worker.on('message', ({ id, result }: FromStagedThread) => {
      const resolve = this.waiting.get(id);
      this.waiting.delete(id);
      if (this.waiting.size === 0) worker.unref();
      resolve?.(result);
    });
    const lost = (message: string) => {
      if (this.worker === worker) this.worker = null;
      this.answerAll({ kind: 'failed', message });
    };
    worker.on('error', (error) => lost(`The projection writer thread failed: ${error.message}`));
    worker.on('exit', (code) => lost(`The projection writer thread exited (code ${code})`));
    this.worker = worker;
    return worker;
  }

  private answerAll(result: StagedResult): void {
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const resolve of waiting) resolve(result);
  }
}

export function stagedWriterFor(db: Database.Database, projection: StagedProjection): StagedWriter {
  if (db.memory) return new InThreadStagedWriter(db, projection);
  return new ThreadStagedWriter({
    path: db.name,
    synchronous: db.pragma('synchronous', { simple: true }) as number,
    module: compiledModule(projection.staged.module).href,
    exportName: projection.staged.exportName,
  });
}

import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { compiledModule } from '../../src/infrastructure/compiled-module.js';
import { CheckpointStore } from './checkpoint-store.js';
import type { StagedProjection } from './projection.js';
import { runCaughtUp, writeStagedBatch, type StagedBatch, type StagedResult } from './staged-batch.js';

/** Writes a staged projection's batches, in the order given; answers never reject. */
interface StagedWriter {
  write(batch: StagedBatch): Promise<StagedResult>;
  caughtUp(): Promise<StagedResult>;
  /** Lets go of the thread, if any; the runner closes only once every batch is answered. */
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

/** On the runner's own connection: for short catch-ups, live batches, and in-memory databases (which a thread cannot share). */
class InThreadStagedWriter implements StagedWriter {
  private readonly checkpoints: CheckpointStore;

  constructor(private readonly db: Database.Database, private readonly projection: StagedProjection) {
    this.checkpoints = new CheckpointStore(db);
  }

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
 * connection read beside it). Started when a catch-up begins; it holds the process open
 * only while batches are unanswered.
 */
class ThreadStagedWriter implements StagedWriter {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, (result: StagedResult) => void>();

  constructor(private readonly data: StagedThreadData) {}

  /** Starts the thread (it loads its modules) without holding the process open. */
  open(): void {
    if (this.worker === null) this.thread().unref();
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

/**
 * Batches of one catch-up written on the runner's thread before the rest go to the writer
 * thread. A short catch-up (a small log, or live events) is over before a thread's round
 * trips and start would pay for themselves: rebuilding key usage from 10,000 events took
 * 0.46 of readAll's time on the thread against 0.56 on the runner's.
 */
const IN_THREAD_BATCHES = 16;

/**
 * Where a staged projection's batches are written: on the runner's own connection, or,
 * past the first IN_THREAD_BATCHES of a catch-up, on the writer thread (read models in a
 * file only). A batch goes to the other writer only once the last one's answer is in, so
 * batches are written in the order handed over.
 */
export class StagedWriters {
  private readonly here: InThreadStagedWriter;
  private readonly thread: ThreadStagedWriter | null;
  private current: StagedWriter;
  private last: Promise<unknown> = Promise.resolve();
  private catchUpBatches = 0;

  constructor(db: Database.Database, projection: StagedProjection) {
    this.here = new InThreadStagedWriter(db, projection);
    this.current = this.here;
    this.thread = db.memory
      ? null
      : new ThreadStagedWriter({
          path: db.name,
          synchronous: db.pragma('synchronous', { simple: true }) as number,
          module: compiledModule(projection.staged.module).href,
          exportName: projection.staged.exportName,
        });
  }

  /** A catch-up begins: the thread, if any, starts loading meanwhile. */
  open(): void {
    this.catchUpBatches = 0;
    this.thread?.open();
  }

  /** Answers never reject; in the order of the calls. */
  write(batch: StagedBatch, catchingUp: boolean): Promise<StagedResult> {
    const next = this.thread !== null && catchingUp && ++this.catchUpBatches > IN_THREAD_BATCHES ? this.thread : this.here;
    const answer = next === this.current ? next.write(batch) : this.last.then(() => next.write(batch));
    this.current = next;
    this.last = answer;
    return answer;
  }

  /** The caught-up work, on the writer that wrote last. */
  caughtUp(): Promise<StagedResult> {
    const writer = this.current;
    const answer = this.last.then(() => writer.caughtUp());
    this.last = answer;
    return answer;
  }

  close(): Promise<void> {
    return this.thread?.close() ?? Promise.resolve();
  }
}

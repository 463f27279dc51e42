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
/** `ready` once the thread has loaded the projection and opened its connection, then one answer per message. */
export type FromStagedThread = { readonly kind: 'ready' } | { readonly kind: 'answer'; readonly id: number; readonly result: StagedResult };
export interface StagedThreadData {
  readonly path: string;
  readonly synchronous: number;
  readonly module: string;
  readonly exportName: string;
  /**
   * Set to 1 by the thread once it is ready, next to its `ready` message: a catch-up's
   * batches follow one another without a turn of the event loop in which that message
   * could arrive, so the runner looks here between batches.
   */
  readonly loaded: Int32Array<SharedArrayBuffer>;
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

function loadedFlag(): Int32Array<SharedArrayBuffer> {
  return new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
}

/**
 * A worker thread with its own connection to the read-model file (WAL lets the runner's
 * connection read beside it). Started when a catch-up begins; it holds the process open
 * only while batches are unanswered.
 */
class ThreadStagedWriter implements StagedWriter {
  private worker: Worker | null = null;
  /** The current worker's StagedThreadData.loaded. */
  private loaded = loadedFlag();
  private loadWaiters: (() => void)[] = [];
  private nextId = 1;
  private readonly waiting = new Map<number, (result: StagedResult) => void>();

  constructor(private readonly data: Omit<StagedThreadData, 'loaded'>) {}

  /** Starts the thread (it loads its modules) without holding the process open. */
  open(): void {
    if (this.worker === null) this.thread().unref();
  }

  /** Whether the thread has loaded: until then a catch-up's batches are better written where the runner is. */
  get ready(): boolean {
    return this.worker !== null && Atomics.load(this.loaded, 0) === 1;
  }

  /** Starts the thread if need be; resolves once it has loaded, or is gone. */
  whenLoaded(): Promise<void> {
    if (this.ready) return Promise.resolve();
    // Held open while awaited: nothing else may keep the process alive meanwhile.
    this.thread().ref();
    return new Promise((resolve) => this.loadWaiters.push(resolve));
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
    this.loaded = loadedFlag();
    const workerData: StagedThreadData = { ...this.data, loaded: this.loaded };
    const worker = new Worker(compiledModule(new URL('./staged-write-thread.js', import.meta.url)), { workerData });
    worker.on('message', (message: FromStagedThread) => {
      if (message.kind === 'ready') {
        if (this.waiting.size === 0) worker.unref();
        for (const loaded of this.loadWaiters.splice(0)) loaded();
        return;
      }
      const resolve = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      if (this.waiting.size === 0) worker.unref();
      resolve?.(message.result);
    });
    const lost = (message: string) => {
      if (this.worker === worker) this.worker = null;
      this.answerAll({ kind: 'failed', message });
      for (const gone of this.loadWaiters.splice(0)) gone();
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
 * Where a staged projection's batches are written: a catch-up's on the writer thread (read
 * models in a file only) once it has loaded, live batches and those before it has loaded
 * on the runner's own connection. The thread starts with the catch-up, so a short one (a
 * server starting on a small log) never waits for it to load, and a long one writes beside
 * the reading nearly from the start. A batch goes to the other writer only once the last
 * one's answer is in, so batches are written in the order handed over.
 */
export class StagedWriters {
  private readonly here: InThreadStagedWriter;
  private readonly thread: ThreadStagedWriter | null;
  private current: StagedWriter;
  private last: Promise<unknown> = Promise.resolve();

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
    this.thread?.open();
  }

  /** Resolves once the writer thread, if any, has loaded: a catch-up begun then writes there from its first batch. */
  whenThreadLoaded(): Promise<void> {
    return this.thread?.whenLoaded() ?? Promise.resolve();
  }

  /** Answers never reject; in the order of the calls. */
  write(batch: StagedBatch, catchingUp: boolean): Promise<StagedResult> {
    return this.writeOn(this.thread !== null && catchingUp && this.thread.ready ? this.thread : this.here, batch);
  }

  /** On the runner's own connection, after every batch handed over before it. */
  writeHere(batch: StagedBatch): Promise<StagedResult> {
    return this.writeOn(this.here, batch);
  }

  private writeOn(next: StagedWriter, batch: StagedBatch): Promise<StagedResult> {
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

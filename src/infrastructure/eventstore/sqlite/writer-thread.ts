import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { createBatchWriter, type WriteOp, type WriteOutcome } from './batch-writer.js';
import { decodeWriteOps, encodeWriteOps } from './write-op-codec.js';

/** A batch goes as one string (write-op-codec.ts). */
type ToWriter = { readonly kind: 'write'; readonly ops: string } | { readonly kind: 'close' };
/** The outcomes of every batch written together, in the order the batches were sent. */
type FromWriter = { readonly kind: 'written'; readonly batches: WriteOutcome[][] };

/**
 * Runs in the writer thread, from its source text (so no imports and no outer names):
 * opens its own connection to the file and writes the batches it is sent, in order.
 * Batches that arrived while it was committing are written together in the next
 * transaction (group commit across batches), so the disk's latency sets how many
 * operations share an fsync rather than how many fsyncs are made.
 */
function writerThreadMain(createWriter: typeof createBatchWriter, decode: typeof decodeWriteOps): void {
  const { parentPort, workerData, receiveMessageOnPort } = require('node:worker_threads') as typeof import('node:worker_threads');
  const Database = require(workerData.driver as string) as typeof import('better-sqlite3');
  const db = new Database(workerData.path as string);
  // The same settings as prepareDatabase (schema.ts), which the opening thread already ran on the file.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 10000');
  const write = createWriter(db);
  const port = parentPort!;
  port.on('message', (first: ToWriter) => {
    const batches: Array<readonly WriteOp[]> = [];
    let closing = false;
    for (let message: ToWriter | undefined = first; message !== undefined; ) {
      if (message.kind === 'close') closing = true;
      else batches.push(decode(message.ops));
      message = closing ? undefined : (receiveMessageOnPort(port)?.message as ToWriter | undefined);
    }
    if (batches.length > 0) {
      const outcomes = write(batches.flat());
      let offset = 0;
      const split = batches.map((ops) => outcomes.slice(offset, (offset += ops.length)));
      port.postMessage({ kind: 'written', batches: split } satisfies FromWriter);
    }
    if (closing) {
      db.close();
      port.close();
    }
  });
}

const WRITER_SOURCE = `'use strict';\n(${writerThreadMain.toString()})(${createBatchWriter.toString()}, ${decodeWriteOps.toString()});\n`;

interface Waiting {
  resolve(outcomes: WriteOutcome[]): void;
  reject(error: unknown): void;
}

/**
 * The SQLite writer on its own thread. better-sqlite3 is synchronous, so a commit's fsync
 * would otherwise hold the JavaScript thread (and every request on it) while the disk
 * syncs; here it holds only the writer. Batches are written in the order they are sent,
 * and may be sent while earlier ones are still being written.
 * The thread keeps the process alive only while a batch is in flight.
 */
export class WriterThread {
  private readonly worker: Worker;
  private readonly waiting: Waiting[] = [];
  private closing: Promise<void> | null = null;
  private failure: Error | null = null;

  constructor(path: string) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WRITER_SOURCE, { eval: true, workerData: { path, driver } });
    this.worker.unref();
    this.worker.on('message', (message: FromWriter) => {
      for (const outcomes of message.batches) this.waiting.shift()?.resolve(outcomes);
      if (this.waiting.length === 0) this.worker.unref();
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`The event store's writer thread exited (code ${code})`)));
  }

  write(ops: readonly WriteOp[]): Promise<WriteOutcome[]> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      if (this.waiting.length === 0) this.worker.ref();
      this.waiting.push({ resolve, reject });
      this.worker.postMessage({ kind: 'write', ops: encodeWriteOps(ops) } satisfies ToWriter);
    });
  }

  /** Closes the writer's connection after the batches already sent, and ends the thread. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      if (this.failure) return resolve();
      this.worker.ref();
      this.worker.once('exit', () => resolve());
      this.worker.postMessage({ kind: 'close' } satisfies ToWriter);
    });
    return this.closing;
  }

  /** Nothing is known to be written: every batch in flight fails, and so does every later one. */
  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = this.closing ? new Error('The event store is closed') : error;
    for (const waiter of this.waiting.splice(0)) waiter.reject(this.failure);
  }
}

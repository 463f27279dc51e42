import { Worker } from 'node:worker_threads';
import { compiledModule } from '../compiled-module.js';

export type ToObjectThread =
  /** An object that came in one piece: compressed, hashed and written at once. */
  | { readonly kind: 'whole'; readonly id: number; readonly path: string; readonly bytes: Uint8Array }
  /** The next piece of an object too large for one: it streams through gzip into its file. */
  | { readonly kind: 'chunk'; readonly id: number; readonly path: string; readonly bytes: Uint8Array }
  | { readonly kind: 'end'; readonly id: number };

export type FromObjectThread =
  | { readonly kind: 'taken'; readonly id: number; readonly bytes: number }
  | { readonly kind: 'done'; readonly id: number; readonly sha256: string }
  | { readonly kind: 'failed'; readonly id: number; readonly message: string };

/**
 * The thread's heap holds little but zlib's and the hash's state (the bytes are outside
 * it): a small young generation keeps the whole process's peak memory down.
 */
const OBJECT_THREAD_LIMITS = { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 2 };
/** Bytes sent in pieces and not yet compressed, past which a writer is asked to wait. */
const MAX_PENDING_BYTES = 8 * 1024 * 1024;

interface Waiting {
  resolve(sha256: string): void;
  reject(error: Error): void;
}

/**
 * A worker thread that compresses, hashes and writes objects. Measured on an export of
 * 300,000 records, zlib's and the hash's asynchronous calls cost the exporting thread
 * about 6 µs a record in bookkeeping even though the work itself ran on libuv's threads;
 * with one message per object (or per 256 KiB piece) that thread only builds records.
 * The thread holds the process open only while it has work.
 */
export class ObjectThread {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();
  private pendingBytes = 0;
  private drained: Array<() => void> = [];

  /** Compresses and writes a whole object; resolves to the SHA-256 of its uncompressed bytes. */
  whole(path: string, bytes: Uint8Array): Promise<string> {
    const id = this.nextId++;
    const done = this.expect(id);
    this.send({ kind: 'whole', id, path, bytes });
    return done;
  }

  /** Starts an object sent in pieces: `piece` for each, then `end`. */
  begin(): number {
    return this.nextId++;
  }

  /** Resolves once the thread has caught up, when too much awaits it. */
  piece(id: number, path: string, bytes: Uint8Array): Promise<void> | undefined {
    this.pendingBytes += bytes.byteLength;
    this.send({ kind: 'chunk', id, path, bytes });
    this.thread().ref();
    if (this.pendingBytes <= MAX_PENDING_BYTES) return undefined;
    return new Promise((resolve) => this.drained.push(resolve));
  }

  end(id: number): Promise<string> {
    const done = this.expect(id);
    this.send({ kind: 'end', id });
    return done;
  }

  private expect(id: number): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.thread().ref();
    });
  }

  private send(message: ToObjectThread): void {
    // Transferred rather than copied when the bytes own their whole buffer.
    const transfer = message.kind !== 'end' && message.bytes.byteOffset === 0 && message.bytes.byteLength === message.bytes.buffer.byteLength ? [message.bytes.buffer as ArrayBuffer] : [];
    this.thread().postMessage(message, transfer);
  }

  private thread(): Worker {
    if (this.worker !== null) return this.worker;
    const worker = new Worker(compiledModule(new URL('./trail-object-thread.js', import.meta.url)), { resourceLimits: OBJECT_THREAD_LIMITS });
    worker.on('message', (message: FromObjectThread) => this.received(message));
    worker.on('error', (e) => this.stopped(e));
    worker.on('exit', (code) => this.stopped(new Error(`The export's object thread exited (code ${code})`)));
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private received(message: FromObjectThread): void {
    if (message.kind === 'taken') {
      this.pendingBytes -= message.bytes;
      if (this.pendingBytes <= MAX_PENDING_BYTES) for (const resume of this.drained.splice(0)) resume();
      this.unrefWhenIdle();
      return;
    }
    const waiting = this.waiting.get(message.id);
    if (waiting === undefined) return;
    this.waiting.delete(message.id);
    if (message.kind === 'done') waiting.resolve(message.sha256);
    else waiting.reject(new Error(message.message));
    this.unrefWhenIdle();
  }

  private unrefWhenIdle(): void {
    if (this.waiting.size === 0 && this.pendingBytes === 0) this.worker?.unref();
  }

  private stopped(error: Error): void {
    this.worker = null;
    this.pendingBytes = 0;
    for (const resume of this.drained.splice(0)) resume();
    for (const w of this.waiting.values()) w.reject(error);
    this.waiting.clear();
  }
}

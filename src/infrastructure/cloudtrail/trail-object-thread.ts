/**
 * The thread that compresses, hashes and writes the objects of an export folder (see
 * object-thread.ts). It runs zlib and SHA-256 itself, synchronously for an object that
 * came in one piece, so the exporting thread spends nothing on them but a message.
 */
import { createHash, type Hash } from 'node:crypto';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { dirname } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { constants, createGzip, gzipSync, type Gzip } from 'node:zlib';
import type { FromObjectThread, ToObjectThread } from './object-thread.js';

// Fastest level: JSON records still shrink about tenfold. No file name or time goes in
// the gzip header, so the same content always compresses to the same bytes, and deflate's
// output depends neither on how its input was split nor on its output buffer's size.
const GZIP_OPTIONS = { level: constants.Z_BEST_SPEED, chunkSize: 64 * 1024 };

interface Streaming {
  readonly gzip: Gzip;
  readonly hash: Hash;
  readonly done: Promise<unknown>;
}

const port = parentPort!;
const streams = new Map<number, Streaming>();
const folders = new Set<string>();

function post(message: FromObjectThread): void {
  port.postMessage(message);
}

function failed(id: number, error: unknown): void {
  post({ kind: 'failed', id, message: error instanceof Error ? error.message : String(error) });
}

function ensureFolder(path: string): void {
  const folder = dirname(path);
  if (folders.has(folder)) return;
  mkdirSync(folder, { recursive: true });
  folders.add(folder);
}

function open(path: string): Streaming {
  ensureFolder(path);
  const gzip = createGzip(GZIP_OPTIONS);
  const file = createWriteStream(path);
  gzip.pipe(file);
  // A failure reaches the object's 'end' through `done`; the listener only keeps it from crashing the thread.
  gzip.on('error', () => undefined);
  return { gzip, hash: createHash('sha256'), done: once(file, 'close') };
}

function handle(message: ToObjectThread): void {
  switch (message.kind) {
    case 'whole': {
      ensureFolder(message.path);
      writeFileSync(message.path, gzipSync(message.bytes, GZIP_OPTIONS));
      post({ kind: 'done', id: message.id, sha256: createHash('sha256').update(message.bytes).digest('hex') });
      return;
    }
    case 'chunk': {
      let stream = streams.get(message.id);
      if (stream === undefined) {
        stream = open(message.path);
        streams.set(message.id, stream);
      }
      stream.hash.update(message.bytes);
      const bytes = message.bytes.byteLength;
      stream.gzip.write(message.bytes, () => post({ kind: 'taken', id: message.id, bytes }));
      return;
    }
    case 'end': {
      const stream = streams.get(message.id)!;
      streams.delete(message.id);
      stream.gzip.end();
      stream.done.then(
        () => post({ kind: 'done', id: message.id, sha256: stream.hash.digest('hex') }),
        (e: unknown) => failed(message.id, e),
      );
      return;
    }
  }
}

port.on('message', (message: ToObjectThread) => {
  try {
    handle(message);
  } catch (e) {
    failed(message.id, e);
  }
});

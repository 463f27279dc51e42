import { createHash, webcrypto, type Hash } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { constants, createGzip, gunzipSync, gzip, type Gzip } from 'node:zlib';
import {
  TrailObjectMissingError,
  type DigestSignatureMetadata,
  type TrailObjectWriter,
  type TrailReader,
  type TrailStorage,
} from '../../application/cloudtrail/trail-ports.js';

/**
 * Where a digest's signature goes on disk. In S3 CloudTrail keeps it in the digest
 * object's user metadata (x-amz-meta-signature, x-amz-meta-signature-algorithm); a folder
 * has no object metadata, so it is a JSON file beside the digest holding exactly those
 * two entries.
 */
export const SIGNATURE_SIDECAR_SUFFIX = '.metadata.json';

/** Content is gathered into chunks this large (bytes, or characters of text) before compression: fewer, larger zlib calls. */
const CHUNK_BYTES = 256 * 1024;
/** Compression runs on libuv's threads; the writer waits only once this much awaits it. */
const MAX_PENDING_BYTES = 8 * 1024 * 1024;

const gzipAsync = promisify(gzip);
// Fastest level: JSON records still shrink about tenfold.
const GZIP_OPTIONS = { level: constants.Z_BEST_SPEED };
/**
 * A whole small object is compressed in one call: an output buffer that holds its result
 * saves trips between zlib's thread and this one. Deflate's output does not depend on
 * how its output buffer is sized, so the bytes are the same.
 */
const ONE_SHOT_OPTIONS = { ...GZIP_OPTIONS, chunkSize: 64 * 1024 };

/**
 * Most objects are smaller than one chunk: they are compressed in one call on libuv's
 * threads and written in one go, without a stream per file. Only an object that outgrows
 * a chunk streams through gzip. Either way zlib gets the same bytes with the same level,
 * and deflate's output does not depend on how its input was split, so the file is the same.
 */
class GzipFileWriter implements TrailObjectWriter {
  private stream: { readonly gzip: Gzip; readonly done: Promise<unknown> } | null = null;
  /** Only an object too large for one chunk is hashed as it goes. */
  private readonly hash: Hash = createHash('sha256');
  private parts: Array<string | Uint8Array> = [];
  private size = 0;

  constructor(
    private readonly path: string,
    private readonly folders: Set<string>,
  ) {}

  write(text: string | Uint8Array): Promise<void> | undefined {
    this.parts.push(text);
    this.size += text.length;
    return this.size >= CHUNK_BYTES ? this.flush() : undefined;
  }

  /** The content gathered so far, added to the running hash when the object streams. */
  private takeChunk(hashed: boolean): Buffer {
    const parts = this.parts;
    const only = parts.length === 1 ? parts[0]! : undefined;
    let chunk: Buffer;
    if (typeof only === 'string') chunk = Buffer.from(only, 'utf8');
    else if (only !== undefined) chunk = Buffer.from(only.buffer, only.byteOffset, only.byteLength);
    else chunk = Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
    this.parts = [];
    this.size = 0;
    if (hashed) this.hash.update(chunk);
    return chunk;
  }

  private flush(): Promise<void> | undefined {
    if (this.size === 0) return undefined;
    const chunk = this.takeChunk(true);
    const { gzip } = (this.stream ??= this.openStream());
    gzip.write(chunk);
    return gzip.writableLength > MAX_PENDING_BYTES ? once(gzip, 'drain').then(() => undefined) : undefined;
  }

  private openStream(): { gzip: Gzip; done: Promise<unknown> } {
    this.ensureFolder();
    // No file name or time in the header, so the same content always compresses to the same bytes.
    const gzip = createGzip(GZIP_OPTIONS);
    const file = createWriteStream(this.path);
    gzip.pipe(file);
    return { gzip, done: once(file, 'close') };
  }

  private ensureFolder(): void {
    const folder = dirname(this.path);
    if (this.folders.has(folder)) return;
    mkdirSync(folder, { recursive: true });
    this.folders.add(folder);
  }

  close(): { sha256: Promise<string>; written: Promise<void> } {
    if (this.stream === null) {
      // The usual case: hashing and compressing both run on libuv's threads.
      const chunk = this.takeChunk(false);
      this.ensureFolder();
      return {
        sha256: webcrypto.subtle.digest('SHA-256', chunk).then((d) => Buffer.from(d).toString('hex')),
        written: gzipAsync(chunk, ONE_SHOT_OPTIONS).then((compressed) => writeFile(this.path, compressed)),
      };
    }
    if (this.size > 0) this.stream.gzip.write(this.takeChunk(true));
    this.stream.gzip.end();
    return { sha256: Promise.resolve(this.hash.digest('hex')), written: this.stream.done.then(() => undefined) };
  }
}

/** An export folder laid out like the S3 bucket CloudTrail delivers to. */
export class FsTrailFolder implements TrailStorage, TrailReader {
  /** Folders already made by this export: one mkdir per folder, not per file. */
  private readonly folders = new Set<string>();

  constructor(readonly root: string) {}

  createObject(key: string): TrailObjectWriter {
    return new GzipFileWriter(this.path(key), this.folders);
  }

  async writeSignature(digestKey: string, metadata: DigestSignatureMetadata): Promise<void> {
    await writeFile(this.path(digestKey) + SIGNATURE_SIDECAR_SUFFIX, `${JSON.stringify(metadata, null, 2)}\n`);
  }

  /** Removes an object and its signature file, if there are any. */
  async removeObject(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
    await rm(this.path(key) + SIGNATURE_SIDECAR_SUFFIX, { force: true });
  }

  async listKeys(): Promise<readonly string[]> {
    const keys: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw e;
      }
      for (const entry of entries) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (!entry.name.endsWith(SIGNATURE_SIDECAR_SUFFIX)) keys.push(relative(this.root, full).split(sep).join('/'));
      }
    };
    await walk(join(this.root, 'AWSLogs'));
    return keys.sort();
  }

  async readObject(key: string): Promise<Buffer> {
    let compressed: Buffer;
    try {
      compressed = await readFile(this.path(key));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new TrailObjectMissingError(key);
      throw e;
    }
    return gunzipSync(compressed);
  }

  async readSignature(digestKey: string): Promise<DigestSignatureMetadata | null> {
    try {
      const data = JSON.parse(await readFile(this.path(digestKey) + SIGNATURE_SIDECAR_SUFFIX, 'utf8')) as Partial<DigestSignatureMetadata>;
      if (typeof data.signature !== 'string' || typeof data['signature-algorithm'] !== 'string') return null;
      return { signature: data.signature, 'signature-algorithm': data['signature-algorithm'] };
    } catch {
      return null;
    }
  }

  private path(key: string): string {
    if (key.split('/').some((part) => part === '..' || part === '')) throw new RangeError(`Not an object key: ${key}`);
    return join(this.root, ...key.split('/'));
  }
}

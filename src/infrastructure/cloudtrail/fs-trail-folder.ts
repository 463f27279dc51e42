import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { once } from 'node:events';
import { constants, createGzip, gunzipSync, type Gzip } from 'node:zlib';
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

/** Text is gathered into chunks this large before compression: fewer, larger zlib calls. */
const CHUNK_CHARS = 256 * 1024;
/** Compression runs on libuv's threads; the writer waits only once this much awaits it. */
const MAX_PENDING_BYTES = 8 * 1024 * 1024;

class GzipFileWriter implements TrailObjectWriter {
  private readonly gzip: Gzip;
  private readonly file: WriteStream;
  private readonly hash = createHash('sha256');
  private parts: string[] = [];
  private size = 0;
  private readonly done: Promise<unknown>;

  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true });
    // Fastest level: JSON records still shrink about tenfold. No file name or time in the header, so the same content always compresses to the same bytes.
    this.gzip = createGzip({ level: constants.Z_BEST_SPEED });
    this.file = createWriteStream(path);
    this.gzip.pipe(this.file);
    this.done = once(this.file, 'close');
  }

  write(text: string): Promise<void> | undefined {
    this.parts.push(text);
    this.size += text.length;
    return this.size >= CHUNK_CHARS ? this.flush() : undefined;
  }

  private flush(): Promise<void> | undefined {
    if (this.size === 0) return undefined;
    const chunk = Buffer.from(this.parts.join(''), 'utf8');
    this.parts = [];
    this.size = 0;
    this.hash.update(chunk);
    this.gzip.write(chunk);
    return this.gzip.writableLength > MAX_PENDING_BYTES ? once(this.gzip, 'drain').then(() => undefined) : undefined;
  }

  close(): { sha256: string; written: Promise<void> } {
    if (this.size > 0) {
      const chunk = Buffer.from(this.parts.join(''), 'utf8');
      this.parts = [];
      this.hash.update(chunk);
      this.gzip.write(chunk);
    }
    this.gzip.end();
    return { sha256: this.hash.digest('hex'), written: this.done.then(() => undefined) };
  }
}

/** An export folder laid out like the S3 bucket CloudTrail delivers to. */
export class FsTrailFolder implements TrailStorage, TrailReader {
  constructor(readonly root: string) {}

  createObject(key: string): TrailObjectWriter {
    return new GzipFileWriter(this.path(key));
  }

  async writeSignature(digestKey: string, metadata: DigestSignatureMetadata): Promise<void> {
    await writeFile(this.path(digestKey) + SIGNATURE_SIDECAR_SUFFIX, `${JSON.stringify(metadata, null, 2)}\n`);
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

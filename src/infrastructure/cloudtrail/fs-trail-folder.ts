import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  TrailObjectMissingError,
  type DigestSignatureMetadata,
  type TrailObjectWriter,
  type TrailReader,
  type TrailStorage,
} from '../../application/cloudtrail/trail-ports.js';
import { ObjectThread } from './object-thread.js';

/**
 * Where a digest's signature goes on disk. In S3 CloudTrail keeps it in the digest
 * object's user metadata (x-amz-meta-signature, x-amz-meta-signature-algorithm); a folder
 * has no object metadata, so it is a JSON file beside the digest holding exactly those
 * two entries.
 */
export const SIGNATURE_SIDECAR_SUFFIX = '.metadata.json';

/** Content is gathered into pieces this large (bytes, or characters of text) before it goes to be compressed. */
const CHUNK_BYTES = 256 * 1024;

/** One thread compresses and writes for every export folder of this thread. */
const objectThread = new ObjectThread();

/**
 * Gathers an object's content and hands it to the object thread: most objects are
 * smaller than a piece and go as one message; a larger one goes piece by piece and
 * streams through gzip there.
 */
class GzipFileWriter implements TrailObjectWriter {
  private parts: Array<string | Uint8Array> = [];
  private size = 0;
  private streaming: number | null = null;

  constructor(private readonly path: string) {}

  write(text: string | Uint8Array): Promise<void> | undefined {
    this.parts.push(text);
    this.size += text.length;
    if (this.size < CHUNK_BYTES) return undefined;
    this.streaming ??= objectThread.begin();
    return objectThread.piece(this.streaming, this.path, this.takePiece());
  }

  /** The content gathered so far, in a buffer of its own, so it can be handed over without a copy. */
  private takePiece(): Uint8Array {
    const parts = this.parts;
    let length = 0;
    for (const p of parts) length += typeof p === 'string' ? Buffer.byteLength(p, 'utf8') : p.byteLength;
    const piece = Buffer.allocUnsafeSlow(length);
    let at = 0;
    for (const p of parts) {
      if (typeof p === 'string') at += piece.write(p, at, 'utf8');
      else {
        piece.set(p, at);
        at += p.byteLength;
      }
    }
    this.parts = [];
    this.size = 0;
    return piece;
  }

  close(): { sha256: Promise<string>; written: Promise<void> } {
    let sha256: Promise<string>;
    if (this.streaming === null) sha256 = objectThread.whole(this.path, this.takePiece());
    else {
      if (this.size > 0) void objectThread.piece(this.streaming, this.path, this.takePiece());
      sha256 = objectThread.end(this.streaming);
    }
    return { sha256, written: sha256.then(() => undefined) };
  }
}

/** An export folder laid out like the S3 bucket CloudTrail delivers to. */
export class FsTrailFolder implements TrailStorage, TrailReader {
  constructor(readonly root: string) {}

  createObject(key: string): TrailObjectWriter {
    return new GzipFileWriter(this.path(key));
  }

  async writeSignature(digestKey: string, metadata: DigestSignatureMetadata): Promise<void> {
    const path = this.path(digestKey) + SIGNATURE_SIDECAR_SUFFIX;
    // The digest itself may still be on its way to the object thread, which makes the folders it writes into.
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, `${JSON.stringify(metadata, null, 2)}\n`);
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

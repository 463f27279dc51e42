import { createHash } from 'node:crypto';
import { cloudTrailTime } from './aws-time.js';
import { digestDocument, digestStringToSign, type DigestLogFile, type PreviousDigest } from './digest-file.js';
import { digestKey, HOUR_MS, hourOf, logFileKey, WINDOW_MS, windowOf } from './trail-layout.js';
import type { TrailObjectWriter, TrailSigner, TrailStorage } from './trail-ports.js';
import type { PartChannel, PartLogFile } from './trail-part.js';

export interface ChannelSettings {
  readonly bucket: string;
  readonly trailName: string;
  readonly storage: TrailStorage;
  /**
   * Null for the later part of an export in parts: its digests are written by the thread
   * that writes the chain, so this channel only notes which hour's digest lists each file.
   */
  readonly signer: TrailSigner | null;
  /** Objects still being written: the export waits for them, not each file in turn. */
  readonly writes: InFlightWrites;
}

/**
 * Object writes not yet settled. Compressing and closing a file takes I/O and zlib's
 * threads, not this one: the export carries on and waits only when too many are open.
 */
export class InFlightWrites {
  private readonly pending = new Set<Promise<void>>();
  private failure: unknown = null;

  constructor(private readonly limit: number) {}

  async add(written: Promise<void>): Promise<void> {
    const tracked = written.then(
      () => void this.pending.delete(tracked),
      (e: unknown) => {
        this.pending.delete(tracked);
        this.failure ??= e;
      },
    );
    this.pending.add(tracked);
    if (this.failure !== null) throw this.failure;
    while (this.pending.size > this.limit) await Promise.race(this.pending);
  }

  async settle(): Promise<void> {
    await Promise.all(this.pending);
    if (this.failure !== null) throw this.failure;
  }
}

const COMMA = new Uint8Array([0x2c]);

interface OpenLogFile {
  readonly windowStart: number;
  readonly key: string;
  readonly writer: TrailObjectWriter;
  count: number;
  oldestMs: number;
  newestMs: number;
}

/**
 * The delivery of one account and Region: one log file per 5-minute window, one signed
 * digest per hour chained to the one before. Delivery only moves forward, as CloudTrail's
 * does: a call that turns up after its window was delivered goes into the next log file
 * still open, and its eventTime says when it happened. Memory is one open log file and
 * the current hour's list of files, whatever the history's size.
 */
export class TrailChannel {
  private open: OpenLogFile | null = null;
  /** No log file may start before this: its window, or its hour's digest, is delivered. */
  private floor = Number.NEGATIVE_INFINITY;
  private nextDigestStart: number | null;
  /** This hour's log files; each hash may still be being computed. */
  private hourFiles: Array<Promise<DigestLogFile>> = [];
  private previous: PreviousDigest | null = null;
  private lastWindow: number | null = null;
  /** The window of this channel's first log file. */
  private first: number | null = null;
  /** The files closed, with their digest hour, when this channel writes no digests. */
  private readonly partFiles: Array<Promise<PartLogFile>> = [];
  logFiles = 0;
  digests = 0;

  constructor(
    readonly account: string,
    readonly region: string,
    private readonly settings: ChannelSettings,
    chainStart: number | null,
  ) {
    this.nextDigestStart = chainStart;
  }

  /**
   * Adds one record (its JSON, UTF-8). Resolves at once (undefined) unless a file must be
   * opened or closed, or the writer asks to wait.
   */
  add(record: Uint8Array, timeMs: number): Promise<void> | undefined {
    const window = this.windowFor(timeMs);
    if (this.open === null || this.open.windowStart !== window) return this.addToNewFile(record, timeMs, window);
    return this.append(this.open, record, timeMs);
  }

  /** The window a record of this time would be delivered in now. */
  windowFor(timeMs: number): number {
    return Math.max(windowOf(timeMs), this.floor);
  }

  private async addToNewFile(record: Uint8Array, timeMs: number, window: number): Promise<void> {
    if (this.open !== null) await this.closeLogFile();
    this.nextDigestStart ??= hourOf(window);
    this.first ??= window;
    await this.digestUntil(hourOf(window));
    const key = logFileKey(this.account, this.region, window);
    const writer = this.settings.storage.createObject(key);
    const file: OpenLogFile = { windowStart: window, key, writer, count: 0, oldestMs: timeMs, newestMs: timeMs };
    this.open = file;
    this.lastWindow = window;
    await writer.write('{"Records":[');
    await this.append(file, record, timeMs);
  }

  private append(file: OpenLogFile, record: Uint8Array, timeMs: number): Promise<void> | undefined {
    const separated = file.count > 0 ? file.writer.write(COMMA) : undefined;
    const pending = file.writer.write(record) ?? separated;
    file.count++;
    if (timeMs < file.oldestMs) file.oldestMs = timeMs;
    if (timeMs > file.newestMs) file.newestMs = timeMs;
    return pending;
  }

  /**
   * The log's clock has moved to `watermark`: windows that ended a full window earlier are
   * delivered, and so are the digests of hours that are over.
   */
  async advance(watermark: number): Promise<void> {
    const settled = watermark - WINDOW_MS;
    if (this.open !== null && this.open.windowStart + WINDOW_MS <= settled) await this.closeLogFile();
    if (this.open === null && this.nextDigestStart !== null) await this.digestUntil(hourOf(settled));
  }

  /** Closes the open log file, if any: the end of the first part of an export in parts. */
  async closeOpenFile(): Promise<void> {
    if (this.open !== null) await this.closeLogFile();
  }

  /** The window of the first log file, or null before there is one. */
  get firstWindow(): number | null {
    return this.first;
  }

  /** No log file may start before this. */
  get currentFloor(): number {
    return this.floor;
  }

  /**
   * What this channel delivered, for the thread that writes the digests (see
   * trail-part.ts); `chainStart` is where a chain starting with this channel starts.
   */
  async part(chainStart: number | null): Promise<PartChannel> {
    return {
      account: this.account,
      region: this.region,
      firstDigestHour: chainStart ?? hourOf(this.first!),
      lastWindow: this.lastWindow!,
      files: await Promise.all(this.partFiles),
    };
  }

  /**
   * Takes over the files another thread delivered after this channel's last one: each
   * goes to the digest that was next when it was closed, as if this channel had closed it.
   */
  async continueWith(part: PartChannel): Promise<void> {
    this.nextDigestStart ??= part.firstDigestHour;
    for (const { file, digestHour } of part.files) {
      await this.digestUntil(digestHour);
      this.hourFiles.push(Promise.resolve(file));
      this.logFiles++;
    }
    if (part.files.length > 0) this.lastWindow = part.lastWindow;
  }

  /** Delivers everything, and digests every hour up to `end` (exclusive) so all chains end together. */
  async finish(end: number): Promise<void> {
    if (this.open !== null) await this.closeLogFile();
    if (this.nextDigestStart === null) return;
    const lastHourEnd = this.lastWindow === null ? end : hourOf(this.lastWindow) + HOUR_MS;
    await this.digestUntil(Math.max(end, lastHourEnd));
  }

  private async closeLogFile(): Promise<void> {
    const file = this.open!;
    this.open = null;
    await file.writer.write(']}');
    const { sha256, written } = file.writer.close();
    const { bucket } = this.settings;
    const listed = sha256.then(
      (hashValue): DigestLogFile => ({
        s3Bucket: bucket,
        s3Object: file.key,
        hashValue,
        hashAlgorithm: 'SHA-256',
        newestEventTime: cloudTrailTime(file.newestMs),
        oldestEventTime: cloudTrailTime(file.oldestMs),
      }),
    );
    // Failures surface where the hour's digest awaits it.
    listed.catch(() => undefined);
    if (this.settings.signer === null) {
      const digestHour = this.nextDigestStart!;
      this.partFiles.push(listed.then((f) => ({ file: f, digestHour })));
    } else this.hourFiles.push(listed);
    await this.settings.writes.add(written);
    this.logFiles++;
    this.floor = Math.max(this.floor, file.windowStart + WINDOW_MS);
  }

  /** Writes the digest of every whole hour before `end`; their log files are all closed. */
  private async digestUntil(end: number): Promise<void> {
    while (this.nextDigestStart !== null && this.nextDigestStart + HOUR_MS <= end) {
      const start = this.nextDigestStart;
      await this.writeDigest(start, start + HOUR_MS);
      this.nextDigestStart = start + HOUR_MS;
      this.floor = Math.max(this.floor, start + HOUR_MS);
    }
  }

  private async writeDigest(startMs: number, endMs: number): Promise<void> {
    const { bucket, trailName, storage, signer } = this.settings;
    if (signer === null) return;
    const key = digestKey(this.account, this.region, trailName, endMs);
    const listed = this.hourFiles;
    this.hourFiles = [];
    const logFiles = await Promise.all(listed);
    const content = JSON.stringify(
      digestDocument({ account: this.account, bucket, key, startMs, endMs, fingerprint: signer.fingerprint, algorithm: signer.algorithm, logFiles, previous: this.previous }),
    );
    const hashValue = createHash('sha256').update(content).digest('hex');
    const signature = signer.sign(digestStringToSign(cloudTrailTime(endMs), bucket, key, hashValue, this.previous?.signature ?? null));
    const writer = storage.createObject(key);
    await writer.write(content);
    await this.settings.writes.add(writer.close().written);
    await storage.writeSignature(key, { signature, 'signature-algorithm': signer.algorithm });
    this.previous = { bucket, key, hashValue, signature };
    this.digests++;
  }
}

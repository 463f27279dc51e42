import { inject, injectable, optional } from 'inversify';
import { HOUR_MS, hourOf, WINDOW_MS, windowOf } from './trail-layout.js';
import { InFlightWrites, TrailChannel, type ChannelSettings } from './trail-channel.js';
import { deliver } from './trail-delivery.js';
import { TrailSigner, type TrailObjectWriter, type TrailStorage } from './trail-ports.js';
import type { ReplayRange } from './cloudtrail-replay.js';
import { TrailRecordSource } from './trail-record-source.js';
import { TrailPartExporter, type TrailPartRequest, type TrailPartResult, type TrailSplit } from './trail-part.js';

export interface ExportOptions extends ReplayRange {
  /** The bucket the digests and log files name (digestS3Bucket, s3Bucket). */
  readonly bucket: string;
  /** The trail name in digest file names. */
  readonly trailName: string;
  /**
   * Threads exporting side by side (default 1): with 2, another thread writes the log
   * files of the later half of the log while this one writes the first half's, then this
   * one writes every digest. The files are the same bytes either way.
   */
  readonly threads?: number;
  /** Called now and then with how far the export has read. */
  readonly onProgress?: (progress: ExportProgress) => void;
}

export interface ExportProgress {
  readonly records: number;
  /** Fraction of the log read, 0 to 1. */
  readonly fraction: number;
}

export interface ExportSummary {
  readonly records: number;
  readonly logFiles: number;
  readonly digests: number;
  readonly channels: ReadonlyArray<{ readonly account: string; readonly region: string; readonly logFiles: number; readonly digests: number }>;
}

/**
 * Log and digest files being compressed and closed at once, at most: enough to keep
 * zlib's threads busy, few enough that their buffers stay small.
 */
const MAX_OPEN_WRITES = 8;
/** The same for each thread of an export in parts: two threads' buffers add up. */
const MAX_OPEN_WRITES_OF_PART = 4;

/**
 * Writes the log as CloudTrail would have delivered it: the records in one pass over the
 * log in its global order, one log file per account, Region and 5-minute window, and a
 * signed, chained digest per account, Region and hour. Memory stays flat: records stream
 * into gzip objects as they are read, and only the open file and the current hour's
 * file list are kept per account and Region.
 *
 * With two threads the log is cut where the calls' times cross a window boundary near
 * its middle (trail-part.ts). Each part is checked, record by record, to deliver exactly
 * what the one pass would have: a history whose times jump back across the cut is
 * exported again in one pass, so the bytes never depend on the thread count.
 */
@injectable()
export class TrailExporter {
  constructor(
    @inject(TrailRecordSource) private readonly source: TrailRecordSource,
    @inject(TrailSigner) private readonly signer: TrailSigner,
    @inject(TrailPartExporter) @optional() private readonly parts?: TrailPartExporter,
  ) {}

  async export(storage: TrailStorage, options: ExportOptions): Promise<ExportSummary> {
    const range = rangeOf(options);
    if ((options.threads ?? 1) >= 2 && this.parts !== undefined && this.parts.supports(storage)) {
      const split = await this.source.splitPoint(range);
      if (split !== null) {
        const summary = await this.exportInParts(storage, options, split, this.parts);
        if (summary !== null) return summary;
      }
    }
    return this.exportInOnePass(storage, options);
  }

  private async exportInOnePass(storage: TrailStorage, options: ExportOptions): Promise<ExportSummary> {
    const { channels, settings } = this.start(storage, options);
    const report = options.onProgress ?? (() => undefined);
    const { records, watermark } = await deliver(this.source.batches(rangeOf(options)), channels, settings, chainStartOf(options), null, (records, fraction) =>
      report({ records, fraction }),
    );
    return this.finish(channels, settings, options, records, watermark);
  }

  /** Null when a part turned out not to match the one-pass export: its files are removed. */
  private async exportInParts(storage: TrailStorage, options: ExportOptions, split: TrailSplit, parts: TrailPartExporter): Promise<ExportSummary | null> {
    const report = options.onProgress ?? (() => undefined);
    const range = rangeOf(options);
    const chainStart = chainStartOf(options);
    let first = { records: 0, fraction: 0 };
    let second = { records: 0, fraction: 0 };
    const progress = () => report({ records: first.records + second.records, fraction: (first.fraction + second.fraction) / 2 });
    const request: TrailPartRequest = { split, range, bucket: options.bucket, chainStart };
    const secondPart = parts.exportPart(storage, request, (records, fraction) => {
      second = { records, fraction };
      progress();
    });
    // Should this thread fail, the other part's files are still removed before the error surfaces.
    secondPart.catch(() => undefined);
    const written = new Set<string>();
    const { channels, settings } = this.start(recording(storage, written), options, MAX_OPEN_WRITES_OF_PART);
    const boundary = split.boundaryMs;
    let delivered;
    try {
      delivered = await deliver(
        this.source.batches(range, { before: split.position }),
        channels,
        settings,
        chainStart,
        (channel, timeMs) => timeMs < boundary && channel.windowFor(timeMs) < boundary,
        (records, fraction) => {
          first = { records, fraction };
          progress();
        },
      );
      for (const c of channels.values()) await c.closeOpenFile();
      await settings.writes.settle();
    } catch (e) {
      await secondPart.then((r) => parts.remove(storage, r.written), () => undefined);
      throw e;
    }
    const later: TrailPartResult = await secondPart;
    if (!delivered.consistent || !later.consistent) {
      // The one pass rewrites every file this thread wrote; only the other part's may be extra.
      await parts.remove(storage, later.written.filter((key) => !written.has(key)));
      return null;
    }
    for (const part of later.channels) {
      const name = `${part.account}|${part.region}`;
      let channel = channels.get(name);
      if (channel === undefined) {
        channel = new TrailChannel(part.account, part.region, settings, chainStart);
        channels.set(name, channel);
      }
      await channel.continueWith(part);
    }
    return this.finish(channels, settings, options, delivered.records + later.records, Math.max(delivered.watermark, later.watermark));
  }

  private start(storage: TrailStorage, options: ExportOptions, openWrites = MAX_OPEN_WRITES): { channels: Map<string, TrailChannel>; settings: ChannelSettings } {
    const writes = new InFlightWrites(openWrites);
    return { channels: new Map(), settings: { bucket: options.bucket, trailName: options.trailName, storage, signer: this.signer, writes } };
  }

  private async finish(channels: Map<string, TrailChannel>, settings: ChannelSettings, options: ExportOptions, records: number, watermark: number): Promise<ExportSummary> {
    const end = options.to !== undefined ? Math.ceil(options.to.getTime() / HOUR_MS) * HOUR_MS : hourOf(watermark) + HOUR_MS;
    for (const c of channels.values()) await c.finish(end);
    await settings.writes.settle();
    options.onProgress?.({ records, fraction: 1 });
    const list = [...channels.values()].map((c) => ({ account: c.account, region: c.region, logFiles: c.logFiles, digests: c.digests }));
    return { records, logFiles: list.reduce((n, c) => n + c.logFiles, 0), digests: list.reduce((n, c) => n + c.digests, 0), channels: list };
  }
}

/**
 * The later part of an export in parts: its log files, and for each the hour whose digest
 * lists it, checked record by record against what the one pass would have done (see
 * the proof in trail-part.ts).
 */
export async function exportLaterPart(
  source: TrailRecordSource,
  storage: TrailStorage,
  request: TrailPartRequest,
  onProgress: (records: number, fraction: number) => void = () => undefined,
): Promise<TrailPartResult> {
  const written = new Set<string>();
  const channels = new Map<string, TrailChannel>();
  const settings: ChannelSettings = { bucket: request.bucket, trailName: '', storage: recording(storage, written), signer: null, writes: new InFlightWrites(MAX_OPEN_WRITES_OF_PART) };
  const boundary = request.split.boundaryMs;
  let delivered;
  try {
    delivered = await deliver(
      source.batches(request.range, { from: request.split.position }),
      channels,
      settings,
      // Each chain as if it had begun before the cut: see trail-part.ts.
      request.chainStart ?? hourOf(boundary - WINDOW_MS),
      (channel, timeMs, watermark) => {
        const window = windowOf(timeMs);
        if (!(window >= boundary)) return false;
        const first = channel.firstWindow;
        if (first === null) return window >= hourOf(watermark - WINDOW_MS);
        const floor = channel.currentFloor;
        return floor <= window || floor > Math.max(boundary, hourOf(first));
      },
      onProgress,
    );
    for (const c of channels.values()) await c.closeOpenFile();
  } finally {
    await settings.writes.settle().catch(() => undefined);
  }
  await settings.writes.settle();
  return {
    consistent: delivered.consistent,
    records: delivered.records,
    watermark: delivered.watermark,
    channels: delivered.consistent ? await Promise.all([...channels.values()].map((c) => c.part(request.chainStart))) : [],
    written: [...written],
  };
}

/** The storage, noting every object key created through it. */
function recording(storage: TrailStorage, keys: Set<string>): TrailStorage {
  return {
    createObject(key: string): TrailObjectWriter {
      keys.add(key);
      return storage.createObject(key);
    },
    writeSignature: (key, metadata) => storage.writeSignature(key, metadata),
  };
}

function chainStartOf(options: ExportOptions): number | null {
  return options.from === undefined ? null : hourOf(options.from.getTime());
}

function rangeOf(options: ExportOptions): ReplayRange {
  return {
    ...(options.from !== undefined ? { from: options.from } : {}),
    ...(options.to !== undefined ? { to: options.to } : {}),
    ...(options.account !== undefined ? { account: options.account } : {}),
  };
}

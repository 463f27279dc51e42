import { inject, injectable } from 'inversify';
import { HOUR_MS, hourOf, windowOf } from './trail-layout.js';
import { InFlightWrites, TrailChannel } from './trail-channel.js';
import { TrailSigner, type TrailStorage } from './trail-ports.js';
import type { ReplayRange } from './cloudtrail-replay.js';
import { TrailRecordSource } from './trail-record-source.js';

export interface ExportOptions extends ReplayRange {
  /** The bucket the digests and log files name (digestS3Bucket, s3Bucket). */
  readonly bucket: string;
  /** The trail name in digest file names. */
  readonly trailName: string;
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

/** Log and digest files being compressed and closed at once, at most. */
const MAX_OPEN_WRITES = 32;

/**
 * Writes the log as CloudTrail would have delivered it: the records in one pass over the
 * log in its global order, one log file per account, Region and 5-minute window, and a
 * signed, chained digest per account, Region and hour. Memory stays flat: records stream
 * into gzip objects as they are read, and only the open file and the current hour's
 * file list are kept per account and Region.
 */
@injectable()
export class TrailExporter {
  constructor(
    @inject(TrailRecordSource) private readonly source: TrailRecordSource,
    @inject(TrailSigner) private readonly signer: TrailSigner,
  ) {}

  async export(storage: TrailStorage, options: ExportOptions): Promise<ExportSummary> {
    const channels = new Map<string, TrailChannel>();
    const writes = new InFlightWrites(MAX_OPEN_WRITES);
    const settings = { bucket: options.bucket, trailName: options.trailName, storage, signer: this.signer, writes };
    const chainStart = options.from === undefined ? null : hourOf(options.from.getTime());
    const report = options.onProgress ?? (() => undefined);
    let records = 0;
    let watermark = Number.NEGATIVE_INFINITY;
    for await (const batch of this.source.batches(rangeOf(options))) {
      const named = batch.channels.map(({ account, region }) => {
        const name = `${account}|${region}`;
        let channel = channels.get(name);
        if (channel === undefined) {
          channel = new TrailChannel(account, region, settings, chainStart);
          channels.set(name, channel);
        }
        return channel;
      });
      const { text, ends, timeMs: times, channelOf } = batch;
      let start = 0;
      for (let i = 0; i < batch.count; i++) {
        const end = ends[i]!;
        const timeMs = times[i]!;
        const added = named[channelOf[i]!]!.add(text.subarray(start, end), timeMs);
        if (added !== undefined) await added;
        start = end;
        records++;
        const window = windowOf(timeMs);
        if (window > watermark) {
          watermark = window;
          for (const c of channels.values()) await c.advance(watermark);
        }
      }
      report({ records, fraction: batch.fraction });
    }
    const end = options.to !== undefined ? Math.ceil(options.to.getTime() / HOUR_MS) * HOUR_MS : hourOf(watermark) + HOUR_MS;
    for (const c of channels.values()) await c.finish(end);
    await writes.settle();
    report({ records, fraction: 1 });
    const list = [...channels.values()].map((c) => ({ account: c.account, region: c.region, logFiles: c.logFiles, digests: c.digests }));
    return { records, logFiles: list.reduce((n, c) => n + c.logFiles, 0), digests: list.reduce((n, c) => n + c.digests, 0), channels: list };
  }
}

function rangeOf(options: ExportOptions): ReplayRange {
  return {
    ...(options.from !== undefined ? { from: options.from } : {}),
    ...(options.to !== undefined ? { to: options.to } : {}),
    ...(options.account !== undefined ? { account: options.account } : {}),
  };
}

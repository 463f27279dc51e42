import { inject, injectable } from 'inversify';
import { EventStore, type GlobalPosition } from '../ports/event-store.js';
import { AUDIT_FILTER } from './audit-events.js';
import { CloudTrailReplay, type ReplayRange } from './cloudtrail-replay.js';
import { HOUR_MS, hourOf, windowOf } from './trail-layout.js';
import { InFlightWrites, TrailChannel } from './trail-channel.js';
import { TrailSigner, type TrailStorage } from './trail-ports.js';

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

const PROGRESS_EVERY = 4096;
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
    @inject(EventStore) private readonly store: EventStore,
    @inject(CloudTrailReplay) private readonly replay: CloudTrailReplay,
    @inject(TrailSigner) private readonly signer: TrailSigner,
  ) {}

  async export(storage: TrailStorage, options: ExportOptions): Promise<ExportSummary> {
    const channels = new Map<string, TrailChannel>();
    const writes = new InFlightWrites(MAX_OPEN_WRITES);
    const settings = { bucket: options.bucket, trailName: options.trailName, storage, signer: this.signer, writes };
    const chainStart = options.from === undefined ? null : hourOf(options.from.getTime());
    const progress = await this.progressMeter(options.onProgress);
    let records = 0;
    let watermark = Number.NEGATIVE_INFINITY;
    let events = 0;
    // The log is read here rather than through replay.history: most events become a record
    // without waiting on anything, and then cost no promise of their own.
    for await (const event of this.store.readAll({ filter: AUDIT_FILTER })) {
      if (++events % PROGRESS_EVERY === 0) progress(records, event.position);
      const soon = this.replay.replaySoon(event, options);
      const replayed = soon instanceof Promise ? await soon : soon;
      if (replayed === null) continue;
      const { record, timeMs } = replayed;
      const name = `${record.recipientAccountId}|${record.awsRegion}`;
      let channel = channels.get(name);
      if (channel === undefined) {
        channel = new TrailChannel(record.recipientAccountId, record.awsRegion, settings, chainStart);
        channels.set(name, channel);
      }
      const added = channel.add(record, timeMs);
      if (added !== undefined) await added;
      records++;
      if (windowOf(timeMs) > watermark) {
        watermark = windowOf(timeMs);
        for (const c of channels.values()) await c.advance(watermark);
      }
    }
    const end = options.to !== undefined ? Math.ceil(options.to.getTime() / HOUR_MS) * HOUR_MS : hourOf(watermark) + HOUR_MS;
    for (const c of channels.values()) await c.finish(end);
    await writes.settle();
    progress(records, null);
    const list = [...channels.values()].map((c) => ({ account: c.account, region: c.region, logFiles: c.logFiles, digests: c.digests }));
    return { records, logFiles: list.reduce((n, c) => n + c.logFiles, 0), digests: list.reduce((n, c) => n + c.digests, 0), channels: list };
  }

  /** Progress as the share of the log's positions passed: the log's size is not otherwise known up front. */
  private async progressMeter(report: ExportOptions['onProgress']): Promise<(records: number, at: GlobalPosition | null) => void> {
    if (report === undefined) return () => undefined;
    let first: bigint | null = null;
    let last: bigint | null = null;
    for await (const e of this.store.readAll({ filter: AUDIT_FILTER, maxCount: 1 })) first = e.position.commit;
    for await (const e of this.store.readAll({ filter: AUDIT_FILTER, direction: 'backwards', maxCount: 1 })) last = e.position.commit;
    return (records, at) => {
      const span = first === null || last === null || last === first ? 1 : Number(last - first);
      const fraction = at === null ? 1 : first === null ? 1 : Math.min(1, Number(at.commit - first) / span);
      report({ records, fraction });
    };
  }
}

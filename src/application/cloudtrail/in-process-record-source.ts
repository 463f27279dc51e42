import { inject, injectable } from 'inversify';
import { EventStore, type GlobalPosition } from '../ports/event-store.js';
import { AUDIT_FILTER, isCloudTrailEvent } from './audit-events.js';
import { CloudTrailReplay, type ReplayRange } from './cloudtrail-replay.js';
import { RecordBatchBuilder } from './record-batch-builder.js';
import type { TrailSplit } from './trail-part.js';
import type { LogSpan, TrailRecordBatch, TrailRecordSource } from './trail-record-source.js';
import { WINDOW_MS, windowOf } from './trail-layout.js';

const RECORDS_PER_BATCH = 1024;
/** Below this many positions a log is exported in one part: a thread costs more than it saves. */
const MIN_POSITIONS_TO_SPLIT = 20_000;
/** How far past the middle a window boundary is looked for. */
const MAX_EVENTS_SCANNED_FOR_SPLIT = 50_000;

/**
 * Records built on this thread, in one pass over the log: the source for any event store.
 * Most events become a record without waiting on anything, and then cost no promise of
 * their own (replaySoon); only a key that must be looked up is awaited.
 */
@injectable()
export class InProcessRecordSource implements TrailRecordSource {
  constructor(
    @inject(EventStore) private readonly store: EventStore,
    @inject(CloudTrailReplay) private readonly replay: CloudTrailReplay,
  ) {}

  async *batches(range: ReplayRange, span: LogSpan = {}): AsyncIterable<TrailRecordBatch> {
    const all = await auditBounds(this.store);
    const bounds = all === null ? null : { first: span.from?.commit ?? all.first, last: span.before?.commit ?? all.last };
    const fraction = (at: GlobalPosition) => (bounds === null || bounds.last <= bounds.first ? 1 : Math.max(0, Math.min(1, Number(at.commit - bounds.first) / Number(bounds.last - bounds.first))));
    const builder = new RecordBatchBuilder();
    const before = span.before?.commit;
    for await (const event of this.store.readAll({ filter: AUDIT_FILTER, ...(span.from ? { fromPosition: span.from } : {}) })) {
      if (before !== undefined && event.position.commit >= before) break;
      const soon = this.replay.replaySoon(event, range);
      const replayed = soon instanceof Promise ? await soon : soon;
      if (replayed === null) continue;
      builder.add(replayed.record, replayed.timeMs);
      if (builder.count >= RECORDS_PER_BATCH) yield builder.take(fraction(event.position));
    }
    if (builder.count > 0) yield builder.take(1);
  }

  async splitPoint(range: ReplayRange): Promise<TrailSplit | null> {
    const bounds = await auditBounds(this.store);
    if (bounds === null || bounds.last - bounds.first < MIN_POSITIONS_TO_SPLIT) return null;
    const middle = bounds.first + (bounds.last - bounds.first) / 2n;
    // A cut at the first call at or after a boundary, provided no call before the boundary
    // follows within the next window; otherwise a boundary past every call seen is tried.
    let boundaryMs: number | null = null;
    let latest = Number.NEGATIVE_INFINITY;
    let cut: GlobalPosition | null = null;
    let scanned = 0;
    for await (const event of this.store.readAll({ filter: AUDIT_FILTER, fromPosition: { commit: middle, prepare: middle } })) {
      if (++scanned > MAX_EVENTS_SCANNED_FOR_SPLIT) return null;
      if (!isCloudTrailEvent(event)) continue;
      const time = event.metadata['time'];
      const timeMs = typeof time === 'string' ? Date.parse(time) : NaN;
      if (Number.isNaN(timeMs)) continue;
      if (range.from !== undefined && timeMs < range.from.getTime()) continue;
      if (range.to !== undefined && timeMs >= range.to.getTime()) return null;
      if (boundaryMs === null) boundaryMs = windowOf(timeMs) + WINDOW_MS;
      else if (cut === null) {
        if (timeMs >= boundaryMs) cut = event.position;
      } else if (timeMs < boundaryMs) {
        boundaryMs = windowOf(latest) + WINDOW_MS;
        cut = null;
      } else if (timeMs >= boundaryMs + WINDOW_MS) return { position: cut, boundaryMs };
      latest = Math.max(latest, timeMs);
    }
    return null;
  }
}

/** The first and last positions that can hold a call, or null when there are none. */
export async function auditBounds(store: EventStore): Promise<{ first: bigint; last: bigint } | null> {
  let first: bigint | null = null;
  let last: bigint | null = null;
  for await (const e of store.readAll({ filter: AUDIT_FILTER, maxCount: 1 })) first = e.position.commit;
  for await (const e of store.readAll({ filter: AUDIT_FILTER, direction: 'backwards', maxCount: 1 })) last = e.position.commit;
  return first === null || last === null ? null : { first, last };
}

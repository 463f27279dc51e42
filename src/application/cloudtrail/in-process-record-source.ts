import { inject, injectable, optional } from 'inversify';
import { CALL_RECORD_EVENT_TYPE } from '../kms/call-record.js';
import { EventStore, type GlobalPosition, type ReadAllOptions, type RecordedEvent } from '../ports/event-store.js';
import { decodedEvent, EventTextLog, type StoredEventText } from '../ports/event-text-log.js';
import { AUDIT_FILTER, CALL_STREAM_PREFIX, isCloudTrailEvent } from './audit-events.js';
import { CallRecordText } from './call-record-text.js';
import { CloudTrailReplay, timeInRange, type ReplayRange } from './cloudtrail-replay.js';
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
 * their own (replaySoon); only a key that must be looked up is awaited. Where the store
 * offers its JSON text (EventTextLog), call records are cut from it without being parsed
 * (CallRecordText); every other event is parsed and replayed.
 */
@injectable()
export class InProcessRecordSource implements TrailRecordSource {
  constructor(
    @inject(EventStore) private readonly store: EventStore,
    @inject(CloudTrailReplay) private readonly replay: CloudTrailReplay,
    @inject(EventTextLog) @optional() private readonly text?: EventTextLog,
  ) {}

  async *batches(range: ReplayRange, span: LogSpan = {}): AsyncIterable<TrailRecordBatch> {
    const all = await auditBounds(this.store);
    const bounds = all === null ? null : { first: span.from?.commit ?? all.first, last: span.before?.commit ?? all.last };
    const fraction = (at: GlobalPosition) => (bounds === null || bounds.last <= bounds.first ? 1 : Math.max(0, Math.min(1, Number(at.commit - bounds.first) / Number(bounds.last - bounds.first))));
    const builder = new RecordBatchBuilder();
    const calls = new CallRecordText();
    const before = span.before?.commit;
    const options: ReadAllOptions = { filter: AUDIT_FILTER, ...(span.from ? { fromPosition: span.from } : {}) };
    const text = this.text;
    const events: AsyncIterable<StoredEventText | RecordedEvent> = text === undefined ? this.store.readAll(options) : text.readAllText(options);
    for await (const event of events) {
      if (before !== undefined && event.position.commit >= before) break;
      const pending = text === undefined ? this.add(builder, event as RecordedEvent, range) : this.addStored(builder, calls, event as StoredEventText, range);
      if (pending !== undefined) await pending;
      if (builder.count >= RECORDS_PER_BATCH) yield builder.take(fraction(event.position));
    }
    if (builder.count > 0) yield builder.take(1);
  }

  /** Adds the event's record, if it stands for a call in the range; a promise only while a key is looked up. */
  private add(builder: RecordBatchBuilder, event: RecordedEvent, range: ReplayRange): Promise<void> | undefined {
    const soon = this.replay.replaySoon(event, range);
    if (soon instanceof Promise) {
      return soon.then((replayed) => {
        if (replayed !== null) builder.add(replayed.record, replayed.timeMs);
      });
    }
    if (soon !== null) builder.add(soon.record, soon.timeMs);
    return undefined;
  }

  private addStored(builder: RecordBatchBuilder, calls: CallRecordText, stored: StoredEventText, range: ReplayRange): Promise<void> | undefined {
    if (stored.type === CALL_RECORD_EVENT_TYPE && stored.stream.startsWith(CALL_STREAM_PREFIX) && calls.render(stored.data, stored.metadata)) {
      if (timeInRange(range, calls.timeMs) && (range.account === undefined || range.account === calls.account)) builder.addJson(calls.json, calls.account, calls.region, calls.timeMs);
      return undefined;
    }
    return this.add(builder, decodedEvent(stored), range);
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

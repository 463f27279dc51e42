import { inject, injectable } from 'inversify';
import { EventStore, type GlobalPosition } from '../ports/event-store.js';
import { AUDIT_FILTER } from './audit-events.js';
import { CloudTrailReplay, type ReplayRange } from './cloudtrail-replay.js';
import { RecordBatchBuilder } from './record-batch-builder.js';
import type { TrailRecordBatch, TrailRecordSource } from './trail-record-source.js';

const RECORDS_PER_BATCH = 1024;

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

  async *batches(range: ReplayRange): AsyncIterable<TrailRecordBatch> {
    const bounds = await auditBounds(this.store);
    const fraction = (at: GlobalPosition) => (bounds === null || bounds.last === bounds.first ? 1 : Math.min(1, Number(at.commit - bounds.first) / Number(bounds.last - bounds.first)));
    const builder = new RecordBatchBuilder();
    for await (const event of this.store.readAll({ filter: AUDIT_FILTER })) {
      const soon = this.replay.replaySoon(event, range);
      const replayed = soon instanceof Promise ? await soon : soon;
      if (replayed === null) continue;
      builder.add(replayed.record, replayed.timeMs);
      if (builder.count >= RECORDS_PER_BATCH) yield builder.take(fraction(event.position));
    }
    if (builder.count > 0) yield builder.take(1);
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

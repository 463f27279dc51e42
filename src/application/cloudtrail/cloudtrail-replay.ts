import { inject, injectable } from 'inversify';
import { EventStore, type GlobalPosition, type RecordedEvent } from '../ports/event-store.js';
import { AUDIT_FILTER, isCloudTrailEvent, keyToLocate } from './audit-events.js';
import type { CloudTrailRecord } from './cloudtrail-record.js';
import { KeyLocator, type KeyLocation } from './key-location.js';
import { buildCloudTrailRecord } from './record-builder.js';

export interface ReplayedRecord {
  readonly record: CloudTrailRecord;
  /** eventTime of the call in milliseconds since the epoch. */
  readonly timeMs: number;
  readonly position: GlobalPosition;
}

export interface ReplayRange {
  /** Inclusive: calls at or after this time. */
  readonly from?: Date;
  /** Exclusive: calls before this time. */
  readonly to?: Date;
  /** Only records delivered to this account (the caller's; the key owner's for service events). */
  readonly account?: string;
}

export interface LiveRecords extends AsyncIterable<ReplayedRecord> {
  stop(): Promise<void>;
}

/**
 * The event log read back as CloudTrail records: history in the log's global order, or
 * live through the store's catch-up subscription. Only the streams that can hold a call
 * are read (a server-side filter), and each call yields exactly one record.
 */
@injectable()
export class CloudTrailReplay {
  constructor(
    @inject(EventStore) private readonly store: EventStore,
    @inject(KeyLocator) private readonly keys: KeyLocator,
  ) {}

  async *history(range: ReplayRange = {}, onEvent?: (position: GlobalPosition) => void): AsyncIterable<ReplayedRecord> {
    for await (const event of this.store.readAll({ filter: AUDIT_FILTER })) {
      onEvent?.(event.position);
      const soon = this.replaySoon(event, range);
      const record = soon instanceof Promise ? await soon : soon;
      if (record !== null) yield record;
    }
  }

  /** Records of calls made from now on (or after `after`), as they become durable. */
  live(range: ReplayRange = {}, after?: GlobalPosition): LiveRecords {
    const subscription = this.store.subscribeToAll({ fromPosition: after ?? 'end', filter: AUDIT_FILTER });
    const replay = (event: RecordedEvent) => this.replay(event, range);
    return {
      stop: () => subscription.stop(),
      async *[Symbol.asyncIterator]() {
        for await (const message of subscription) {
          if (message.kind !== 'event') continue;
          const replayed = await replay(message.event);
          if (replayed !== null) yield replayed;
        }
      },
    };
  }

  /** The record an event stands for, or null when it is not a call or falls outside the range. */
  async replay(event: RecordedEvent, range: ReplayRange = {}): Promise<ReplayedRecord | null> {
    return this.replaySoon(event, range);
  }

  /**
   * As replay, without a promise unless the key must be looked up: a long export pays
   * for no extra turn of the event loop on the calls that carry all they need.
   */
  replaySoon(event: RecordedEvent, range: ReplayRange = {}): ReplayedRecord | null | Promise<ReplayedRecord | null> {
    if (!isCloudTrailEvent(event)) return null;
    const time = event.metadata['time'];
    const timeMs = typeof time === 'string' ? Date.parse(time) : NaN;
    if (!timeInRange(range, timeMs)) return null;
    const keyId = keyToLocate(event);
    if (keyId === null) return replayed(event, null, timeMs, range);
    return this.keys.locate(keyId).then((key) => replayed(event, key, timeMs, range));
  }
}

/** Whether a call at this time falls in the range (an unreadable time never does, when it has bounds). */
export function timeInRange(range: ReplayRange, timeMs: number): boolean {
  return (range.from === undefined || timeMs >= range.from.getTime()) && (range.to === undefined || timeMs < range.to.getTime());
}

function replayed(event: RecordedEvent, key: KeyLocation | null, timeMs: number, range: ReplayRange): ReplayedRecord | null {
  const record = buildCloudTrailRecord(event, key);
  if (range.account !== undefined && record.recipientAccountId !== range.account) return null;
  return { record, timeMs, position: event.position };
}

import type { SubscribeToAllOptions, Subscription, SubscriptionMessage } from '../../../application/ports/event-store.js';
import type { SqliteEventStore } from './sqlite-event-store.js';
import { toPosition, toRecorded } from './sqlite-event-store.js';

/**
 * History, then `caughtUp`, then live events. Every read asks for positions after the
 * last one delivered, so the seam between history and live can neither skip nor repeat
 * an event: a wake-up (local append or poll tick) only says "look again".
 */
export class SqliteSubscription implements Subscription {
  private stopped = false;
  private cancelWait: (() => void) | null = null;
  private started = false;

  constructor(
    private readonly store: SqliteEventStore,
    private readonly options: SubscribeToAllOptions,
    private readonly pageSize: number,
    private readonly onStop: (s: SqliteSubscription) => void,
  ) {}

  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelWait?.();
    this.onStop(this);
  }

  [Symbol.asyncIterator](): AsyncIterator<SubscriptionMessage> {
    if (this.started) throw new Error('A subscription can be iterated once');
    this.started = true;
    return this.messages();
  }

  private async *messages(): AsyncGenerator<SubscriptionMessage> {
    const from = this.options.fromPosition;
    let after = from === undefined || from === 'start' ? 0 : from === 'end' ? this.store.lastPosition() : Number(from.commit);
    let caughtUp = false;
    try {
      while (!this.stopped && !this.store.isClosed) {
        const rows = this.store.readAllPage(this.options.filter, false, after, this.pageSize, false);
        for (const row of rows) {
          if (this.stopped) return;
          after = row[0];
          yield { kind: 'event', event: toRecorded(row) };
        }
        if (rows.length === this.pageSize) continue;
        if (!caughtUp) {
          caughtUp = true;
          yield { kind: 'caughtUp', position: after > 0 ? toPosition(after) : null };
          continue;
        }
        const wait = this.store.waitForAppend();
        this.cancelWait = wait.cancel;
        await wait.promise;
        this.cancelWait = null;
      }
    } finally {
      this.stopped = true;
      this.onStop(this);
    }
  }
}

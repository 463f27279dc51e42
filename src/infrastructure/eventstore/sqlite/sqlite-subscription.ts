import type { SubscribeToAllOptions, Subscription, SubscriptionMessage } from '../../../application/ports/event-store.js';
import type { Row, SqliteEventStore } from './sqlite-event-store.js';
import { toPosition } from './sqlite-event-store.js';

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * History, then `caughtUp`, then live events; when asked, a `checkpoint` after each read
 * whose end the filter left out. Every read asks for positions after the last one read,
 * so the seam between history and live can neither skip nor repeat an event: a wake-up
 * (local append or poll tick) only says "look again". Pages are read only when the
 * consumer has taken the previous one (back-pressure).
 */
export class SqliteSubscription implements Subscription {
  private stopped = false;
  private cancelWait: (() => void) | null = null;
  private started = false;
  /** How far the log has been read: every position up to it is in `page` or was passed over. */
  private after: number;
  /** The last position reported to the consumer, by an event or a checkpoint. */
  private covered: number;
  private page: Row[] = [];
  private index = 0;
  private caughtUp = false;
  /** Woken by the poll interval rather than a local commit: the file must be read. */
  private polled = true;

  constructor(
    private readonly store: SqliteEventStore,
    private readonly options: SubscribeToAllOptions,
    private readonly pageSize: number,
    private readonly onStop: (s: SqliteSubscription) => void,
  ) {
    const from = options.fromPosition;
    this.after = from === undefined || from === 'start' ? 0 : from === 'end' ? store.lastPosition() : Number(from.commit);
    this.covered = this.after;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.page = [];
    this.cancelWait?.();
    this.onStop(this);
  }

  [Symbol.asyncIterator](): AsyncIterator<SubscriptionMessage> {
    if (this.started) throw new Error('A subscription can be iterated once');
    this.started = true;
    return {
      next: () => {
        try {
          return this.next();
        } catch (error) {
          void this.stop();
          return Promise.reject(error);
        }
      },
      return: async () => {
        await this.stop();
        return DONE;
      },
    };
  }

  private next(): Promise<IteratorResult<SubscriptionMessage>> {
    if (this.stopped || this.store.isClosed) return Promise.resolve(DONE);
    for (;;) {
      if (this.index < this.page.length) return Promise.resolve(this.deliver());
      if (this.options.checkpoints && this.after > this.covered) {
        // The filter left out what lies between the last event delivered and the end of the scan.
        this.covered = this.after;
        return Promise.resolve({ done: false, value: { kind: 'checkpoint', position: toPosition(this.after) } });
      }
      const { rows, scannedTo } = this.store.subscriptionPage(this.options.filter, this.after, this.pageSize, this.polled);
      this.polled = false;
      this.page = rows;
      this.index = 0;
      if (rows.length === 0 && scannedTo <= this.after) break;
      this.after = scannedTo;
    }
    if (!this.caughtUp) {
      this.caughtUp = true;
      return Promise.resolve({ done: false, value: { kind: 'caughtUp', position: this.after > 0 ? toPosition(this.after) : null } });
    }
    // Registered in the same synchronous step as the empty read: no append can slip between.
    const wait = this.store.waitForAppend();
    this.cancelWait = wait.cancel;
    return wait.promise.then((polled) => {
      this.cancelWait = null;
      this.polled = polled;
      return this.next();
    });
  }

  private deliver(): IteratorYieldResult<SubscriptionMessage> {
    const row = this.page[this.index++]!;
    this.covered = row[0];
    return { done: false, value: { kind: 'event', event: this.store.recordedOf(row) } };
  }
}

import type { EventStoreDBClient } from '@eventstore/db-client';
import type { ReadResp } from '@eventstore/db-client/generated/streams_pb.js';
import type { GlobalPosition, SubscribeToAllOptions, Subscription, SubscriptionMessage } from '../../../application/ports/event-store.js';
import { comparePositions } from '../../../application/ports/positions.js';
import { acceptsEvent } from './esdb-filter.js';
import { toPortError } from './esdb-errors.js';
import { cancelRead, openRead, type ReadCall } from './esdb-read-channel.js';
import { subscribeToAllRequest } from './esdb-read-requests.js';
import { peekEvent, toRecordedEvent } from './esdb-recorded-event.js';

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * A catch-up subscription to $all on one gRPC call. The server sends history, then its
 * caught-up message, then live events, all in one ordered stream, so the port's `caughtUp`
 * sits exactly where the server put it. One response is pulled per `next()`: gRPC flow
 * control holds the server back while the consumer is busy. The server starts after
 * `fromPosition` (a checkpoint), as the port asks.
 */
export class EsdbSubscription implements Subscription {
  private call: ReadCall | null = null;
  private responses: AsyncIterator<ReadResp> | null = null;
  private stopped = false;
  private started = false;
  private caughtUp = false;
  private lastSeen: GlobalPosition | null;
  /** The last position handed to the consumer, by an event or a checkpoint. */
  private reported: GlobalPosition | null;

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly options: SubscribeToAllOptions,
    private readonly isDeleted: (stream: string) => Promise<boolean>,
    private readonly onStop: (s: EsdbSubscription) => void,
  ) {
    const from = options.fromPosition;
    this.lastSeen = typeof from === 'object' ? from : null;
    this.reported = this.lastSeen;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.call) cancelRead(this.call);
    this.onStop(this);
  }

  [Symbol.asyncIterator](): AsyncIterator<SubscriptionMessage> {
    if (this.started) throw new Error('A subscription can be iterated once');
    this.started = true;
    return {
      next: () => this.next(),
      return: async () => {
        await this.stop();
        return DONE;
      },
    };
  }

  private async open(): Promise<AsyncIterator<ReadResp>> {
    // With checkpoints asked for, the filter is applied here and every event it leaves out
    // becomes a checkpoint: the server checkpoints only once per search window, so an event
    // it left out at the head would stay uncovered until enough others follow, and a
    // read-your-writes wait for it would hang. The data of left-out events is never parsed.
    const serverFilter = this.options.checkpoints ? undefined : this.options.filter;
    const request = subscribeToAllRequest(this.options.fromPosition ?? 'start', serverFilter);
    this.call = await openRead(this.client, request, 'subscribeToAll');
    if (this.stopped) cancelRead(this.call);
    return (this.call as AsyncIterable<ReadResp>)[Symbol.asyncIterator]();
  }

  private async next(): Promise<IteratorResult<SubscriptionMessage>> {
    try {
      this.responses ??= await this.open();
      while (!this.stopped) {
        const result = await this.responses.next();
        if (result.done) break;
        const message = await this.toMessage(result.value);
        if (message && !this.stopped) return { done: false, value: message };
      }
      await this.stop();
      return DONE;
    } catch (error) {
      if (this.stopped) return DONE;
      await this.stop();
      throw toPortError(error);
    }
  }

  private async toMessage(response: ReadResp): Promise<SubscriptionMessage | null> {
    const event = response.getEvent();
    if (event) {
      const peek = peekEvent(event);
      if (!peek) return null;
      this.lastSeen = peek.position;
      if (!acceptsEvent(this.options.filter, peek.stream, peek.type) || (await this.isDeleted(peek.stream))) {
        // Left out here rather than by the server: passed over all the same.
        return this.checkpoint(peek.position);
      }
      this.reported = peek.position;
      return { kind: 'event', event: toRecordedEvent(event) };
    }
    if (response.hasCheckpoint()) {
      const checkpoint = response.getCheckpoint()!;
      return this.checkpoint({ commit: BigInt(checkpoint.getCommitPosition()), prepare: BigInt(checkpoint.getPreparePosition()) });
    }
    if (response.hasCaughtUp() && !this.caughtUp) {
      this.caughtUp = true;
      return { kind: 'caughtUp', position: this.lastSeen };
    }
    // Confirmation, and a fell-behind/caught-up pair after the first: the port reports
    // catching up once.
    return null;
  }

  /**
   * A checkpoint message when asked for and when it moves forward: some server versions
   * repeat one position while live, and a consumer's checkpoint must never go back.
   */
  private checkpoint(position: GlobalPosition): SubscriptionMessage | null {
    if (!this.options.checkpoints) return null;
    if (this.reported !== null && comparePositions(position, this.reported) <= 0) return null;
    this.reported = position;
    return { kind: 'checkpoint', position };
  }
}

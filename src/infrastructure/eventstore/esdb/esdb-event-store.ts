import { newEventId } from '../event-id.js';
import { EventStoreDBClient, jsonEvent, type AppendExpectedRevision, type JSONType } from '@eventstore/db-client';
import type {
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  GlobalPosition,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeToAllOptions,
  Subscription,
} from '../../../application/ports/event-store.js';
import { StreamDeletedError } from '../../../application/ports/event-store-errors.js';
import { DeletedStreams } from './deleted-streams.js';
import { toPortError } from './esdb-errors.js';
import { readAll } from './esdb-read-all.js';
import { readStreamRequest } from './esdb-read-requests.js';
import { readResponses } from './esdb-read-responses.js';
import { toRecordedEvent } from './esdb-recorded-event.js';
import { EsdbSubscription } from './esdb-subscription.js';

const ALL = Number.MAX_SAFE_INTEGER;

/**
 * The EventStoreDB engine (`esdb://` single node, `esdb://a,b,c` or `esdb+discover://`
 * cluster) over @eventstore/db-client. Appends and tombstones go through the client's public
 * API; reads go through its connection with our own requests (see esdb-read-channel.ts).
 */
export class EsdbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly deleted: DeletedStreams;
  private readonly subscriptions = new Set<EsdbSubscription>();
  private closed = false;

  constructor(connectionString: string) {
    this.client = EventStoreDBClient.connectionString(connectionString);
    this.deleted = new DeletedStreams((stream) => this.isTombstoned(stream));
  }

  async append(stream: string, events: readonly EventToAppend[], expectedRevision: ExpectedRevision = 'any'): Promise<AppendResult> {
    this.assertOpen();
    if (events.length === 0) throw new RangeError('An append needs at least one event');
    const proposed = events.map((e) =>
      jsonEvent({ id: e.id ?? newEventId(), type: e.type, data: e.data as JSONType, ...(e.metadata ? { metadata: e.metadata } : {}) }),
    );
    let result;
    try {
      result = await this.client.appendToStream(stream, proposed, { expectedRevision: expectedRevision as AppendExpectedRevision });
    } catch (error) {
      throw toPortError(error, { stream, expected: expectedRevision });
    }
    const position = result.position ?? (await this.positionOfRevision(stream, result.nextExpectedRevision));
    return { nextExpectedRevision: result.nextExpectedRevision, position };
  }

  /** A server that answers an append without its position (an idempotent repeat) is asked for it. */
  private async positionOfRevision(stream: string, revision: bigint): Promise<GlobalPosition> {
    for await (const event of this.readStream(stream, { fromRevision: revision, maxCount: 1 })) return event.position;
    throw new Error(`EventStoreDB reported revision ${revision} of '${stream}' but it cannot be read`);
  }

  readStream(stream: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    const client = this.client;
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision ?? (backwards ? 'end' : 'start');
    const count = options.maxCount ?? ALL;
    return {
      async *[Symbol.asyncIterator]() {
        // As the SQLite engine reads them: nothing lies past the end or before the start.
        if (count <= 0 || (from === 'end' && !backwards) || (from === 'start' && backwards)) return;
        const request = readStreamRequest(stream, backwards, from, count);
        for await (const response of readResponses(client, request, 'readStream', { stream })) {
          // The port reads a stream that does not exist as empty.
          if (response.hasStreamNotFound()) return;
          const event = response.getEvent();
          if (event) yield toRecordedEvent(event);
        }
      },
    };
  }

  readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    const client = this.client;
    const checker = () => this.deleted.checker();
    return {
      [Symbol.asyncIterator]: () => readAll(client, checker(), options)[Symbol.asyncIterator](),
    };
  }

  async headPosition(stream?: string): Promise<GlobalPosition | null> {
    try {
      const newest = stream === undefined ? this.readAll({ direction: 'backwards', maxCount: 1 }) : this.readStream(stream, { direction: 'backwards', maxCount: 1 });
      for await (const event of newest) return event.position;
      return null;
    } catch (error) {
      if (error instanceof StreamDeletedError) return null;
      throw error;
    }
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): Subscription {
    this.assertOpen();
    const subscription = new EsdbSubscription(this.client, options, this.deleted.checker(), (s) => this.subscriptions.delete(s));
    this.subscriptions.add(subscription);
    return subscription;
  }

  async deleteStream(stream: string, expectedRevision: ExpectedRevision = 'any'): Promise<void> {
    this.assertOpen();
    try {
      // The client's typings leave out 'stream_exists' for a tombstone; its code and the protocol take it.
      await this.client.tombstoneStream(stream, { expectedRevision: expectedRevision as never });
    } catch (error) {
      throw toPortError(error, { stream, expected: expectedRevision });
    }
    this.deleted.markDeleted(stream);
  }

  /** The server answers a read of a tombstoned stream with "stream deleted". */
  private async isTombstoned(stream: string): Promise<boolean> {
    try {
      for await (const _ of this.readStream(stream, { direction: 'backwards', maxCount: 1 })) break;
      return false;
    } catch (error) {
      if (error instanceof StreamDeletedError) return true;
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await this.client.dispose();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The event store is closed');
  }
}

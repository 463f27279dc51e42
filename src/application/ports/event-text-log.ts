import type { GlobalPosition, JsonObject, JsonValue, ReadAllOptions, RecordedEvent } from './event-store.js';

/** A stored event with its data and metadata as the JSON text the engine keeps. */
export interface StoredEventText {
  readonly position: GlobalPosition;
  readonly id: string;
  readonly stream: string;
  readonly revision: bigint;
  readonly type: string;
  readonly created: Date;
  /** The event's data as JSON.stringify wrote it when the event was appended. */
  readonly data: string;
  /** The event's metadata, likewise. */
  readonly metadata: string;
}

/**
 * The global log read without decoding: for readers that copy most of an event's JSON
 * into their output rather than interpret it (a CloudTrail export), parsing every event
 * into objects only to serialise the same values again is most of their cost. Only an
 * engine that keeps events as JSON text offers it, so it is optional wherever it is used.
 */
export interface EventTextLog {
  readAllText(options?: ReadAllOptions): AsyncIterable<StoredEventText>;
}
export const EventTextLog = Symbol.for('keytrail.EventTextLog');

/** The event a stored text stands for, decoded as readAll decodes it. */
export function decodedEvent(stored: StoredEventText): RecordedEvent {
  return {
    position: stored.position,
    id: stored.id,
    stream: stored.stream,
    revision: stored.revision,
    type: stored.type,
    data: JSON.parse(stored.data) as JsonValue,
    metadata: JSON.parse(stored.metadata) as JsonObject,
    created: stored.created,
  };
}

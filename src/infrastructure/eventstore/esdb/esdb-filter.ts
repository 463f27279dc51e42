import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import type { EventFilter } from '../../../application/ports/event-store.js';

const { ReadReq } = streamsPb;

/**
 * The port's filter as EventStoreDB's server-side filter. Without a filter the server is
 * still asked to leave out system events (types starting with `$`), as the client's own
 * excludeSystemEvents() does: $all on a live server is full of them.
 */
export function toServerFilter(filter: EventFilter | undefined): InstanceType<typeof ReadReq.Options.FilterOptions> {
  const expression = new ReadReq.Options.FilterOptions.Expression();
  const options = new ReadReq.Options.FilterOptions();
  if (filter && 'streamNamePrefixes' in filter) {
    options.setStreamIdentifier(expression.setPrefixList([...filter.streamNamePrefixes]));
  } else if (filter && 'eventTypes' in filter) {
    options.setEventType(expression.setRegex(exactTypesRegex(filter.eventTypes)));
  } else if (filter) {
    options.setEventType(expression.setPrefixList([...filter.eventTypePrefixes]));
  } else {
    options.setEventType(expression.setRegex('^[^$]'));
  }
  // The client's defaults for a filtered subscription: the server's own search window and a
  // checkpoint per window. The subscription passes checkpoints on when asked for them.
  options.setCount(new sharedPb.Empty());
  options.setCheckpointintervalmultiplier(1);
  return options;
}

/**
 * The same rule on our side, with system streams and system events always left out. The
 * server already applied the filter; this guards what it cannot express in one filter
 * (a `$`-stream's user-typed event under a type filter, a tombstone under a stream filter).
 */
export function acceptsEvent(filter: EventFilter | undefined, stream: string, type: string): boolean {
  if (stream.startsWith('$') || type.startsWith('$')) return false;
  if (!filter) return true;
  if ('streamNamePrefixes' in filter) return filter.streamNamePrefixes.some((p) => stream.startsWith(p));
  if ('eventTypes' in filter) return filter.eventTypes.includes(type);
  return filter.eventTypePrefixes.some((p) => type.startsWith(p));
}

/** Exact event types as the server's regex filter; no types matches nothing. */
export function exactTypesRegex(types: readonly string[]): string {
  if (types.length === 0) return '(?!)';
  return `^(?:${types.map((t) => t.replace(/[.*+?^${}()|[\]\\\/-]/g, '\\$&')).join('|')})$`;
}

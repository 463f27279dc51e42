import type { JsonObject } from '../application/ports/event-store.js';

/** A domain event before it is stored: a type name and a JSON payload. */
export interface DomainEvent<T extends string = string, D extends JsonObject = JsonObject> {
  readonly type: T;
  readonly data: D;
}

/**
 * An aggregate as three pure functions (Emmett's Decider). `decide` throws a KmsError to
 * refuse a command; it returns no events for a command that changes nothing.
 */
export interface Decider<Command, Event extends DomainEvent, State> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
  /** Schema version of each event type, written into the event's metadata. */
  readonly schemaVersions: { readonly [K in Event['type']]: number };
}

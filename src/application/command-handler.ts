import { inject, injectable } from 'inversify';
import type { CallContext } from '../domain/call-context.js';
import type { Decider, DomainEvent } from '../domain/decider.js';
import { EventStore, type AppendResult, type ExpectedRevision, type JsonObject } from './ports/event-store.js';
import { WrongExpectedRevisionError } from './ports/event-store-errors.js';

export interface CommandOutcome<Event extends DomainEvent, State> {
  /** The state after the new events. */
  readonly state: State;
  /** What this command appended (empty when it changed nothing). */
  readonly events: readonly Event[];
  /** Where they landed; null when nothing was appended. */
  readonly appended: AppendResult | null;
}

export interface CommandHandlerSettings {
  /** How often a command is decided again after losing an optimistic-concurrency race. */
  readonly maxAttempts: number;
}
export const CommandHandlerSettings = Symbol.for('keytrail.CommandHandlerSettings');

/**
 * Load -> decide -> append with the revision that was read. Losing a race reloads and
 * decides again, so invariants that live in one stream (alias uniqueness, grant limits)
 * hold across processes and nodes without locks.
 */
@injectable()
export class CommandHandler {
  constructor(
    @inject(EventStore) private readonly store: EventStore,
    @inject(CommandHandlerSettings) private readonly settings: CommandHandlerSettings,
  ) {}

  async load<Event extends DomainEvent, State>(
    decider: Decider<unknown, Event, State>,
    stream: string,
  ): Promise<{ state: State; revision: ExpectedRevision }> {
    let state = decider.initialState();
    let revision: ExpectedRevision = 'no_stream';
    for await (const recorded of this.store.readStream(stream)) {
      state = decider.evolve(state, { type: recorded.type, data: recorded.data } as Event);
      revision = recorded.revision;
    }
    return { state, revision };
  }

  async handle<Command, Event extends DomainEvent, State>(
    decider: Decider<Command, Event, State>,
    stream: string,
    command: Command,
    context: CallContext,
  ): Promise<CommandOutcome<Event, State>> {
    for (let attempt = 1; ; attempt++) {
      const { state, revision } = await this.load(decider, stream);
      const events = decider.decide(command, state);
      if (events.length === 0) return { state, events, appended: null };
      try {
        const appended = await this.store.append(
          stream,
          events.map((event) => ({
            type: event.type,
            data: event.data,
            metadata: eventMetadata(context, decider.schemaVersions[event.type as Event['type']]),
          })),
          revision,
        );
        return { state: events.reduce(decider.evolve, state), events, appended };
      } catch (e) {
        if (!(e instanceof WrongExpectedRevisionError) || attempt >= this.settings.maxAttempts) throw e;
      }
    }
  }
}

/** The metadata every domain event carries: its schema version and the call that caused it. */
export function eventMetadata(context: CallContext, schemaVersion: number): JsonObject {
  return { schemaVersion, ...(JSON.parse(JSON.stringify(context)) as JsonObject) };
}

import { inject, injectable } from 'inversify';
import type { CallContext } from '../domain/call-context.js';
import type { Decider, DomainEvent } from '../domain/decider.js';
import { DEFAULT_CACHED_STREAMS, FoldedStateCache } from './folded-state-cache.js';
import { eventMetadata } from './event-metadata.js';
import { EventStore, type AppendResult, type ExpectedRevision } from './ports/event-store.js';
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
  /** How many folded stream states stay in memory (least recently used go first); 0 turns the cache off. */
  readonly cachedStreams?: number;
}
export const CommandHandlerSettings = Symbol.for('keytrail.CommandHandlerSettings');

/**
 * Load -> decide -> append with the revision that was read. Losing a race reloads and
 * decides again, so invariants that live in one stream (alias uniqueness, grant limits)
 * hold across processes and nodes without locks.
 *
 * Every load still reads the stream (from just after the cached revision), so events
 * written by another process or node are always seen: the cache saves the replay, not
 * the read.
 */
@injectable()
export class CommandHandler {
  private readonly folded: FoldedStateCache;

  constructor(
    @inject(EventStore) private readonly store: EventStore,
    @inject(CommandHandlerSettings) private readonly settings: CommandHandlerSettings,
  ) {
    this.folded = new FoldedStateCache(settings.cachedStreams ?? DEFAULT_CACHED_STREAMS);
  }

  async load<Event extends DomainEvent, State>(
    decider: Decider<unknown, Event, State>,
    stream: string,
  ): Promise<{ state: State; revision: ExpectedRevision }> {
    const cached = this.folded.get<State>(decider, stream);
    let state = cached?.state ?? decider.initialState();
    let revision: ExpectedRevision = cached?.revision ?? 'no_stream';
    try {
      const from = typeof revision === 'bigint' ? revision + 1n : 'start';
      for await (const recorded of this.store.readStream(stream, { fromRevision: from })) {
        state = decider.evolve(state, { type: recorded.type, data: recorded.data } as Event);
        revision = recorded.revision;
      }
    } catch (e) {
      this.folded.forget(stream);
      throw e;
    }
    if (typeof revision === 'bigint') this.folded.put(decider, stream, { state, revision });
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
        const next = events.reduce(decider.evolve, state);
        this.folded.put(decider, stream, { state: next, revision: appended.nextExpectedRevision });
        return { state: next, events, appended };
      } catch (e) {
        if (!(e instanceof WrongExpectedRevisionError) || attempt >= this.settings.maxAttempts) throw e;
      }
    }
  }
}

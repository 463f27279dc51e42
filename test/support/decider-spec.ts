import { expect } from 'vitest';
import type { Decider, DomainEvent } from '../../src/domain/decider.js';
import { isKmsError, type KmsErrorCode } from '../../src/domain/errors.js';

/**
 * given(events) / when(command) / then(events) or thenFails(code, message?) for any
 * Decider. The given events pass through JSON first, as the event store hands them back,
 * and every event a decider emits must survive JSON unchanged (no undefined, no bigint,
 * no Date). A string message must occur in the error's message; a RegExp must match it.
 */
export function deciderSpec<Command, Event extends DomainEvent, State>(decider: Decider<Command, Event, State>) {
  return {
    given(events: readonly Event[]) {
      const replay = (): State =>
        (JSON.parse(JSON.stringify(events)) as Event[]).reduce(decider.evolve, decider.initialState());
      return {
        state: replay,
        when(command: Command) {
          const run = (): Event[] => decider.decide(command, replay());
          return {
            then(expected: readonly Event[]): Event[] {
              const emitted = run();
              expect(JSON.parse(JSON.stringify(emitted))).toStrictEqual(emitted);
              expect(emitted).toStrictEqual(expected);
              return emitted;
            },
            thenNothing(): void {
              expect(run()).toStrictEqual([]);
            },
            thenFails(code: KmsErrorCode, message?: string | RegExp): void {
              let thrown: unknown;
              try {
                run();
              } catch (e) {
                thrown = e;
              }
              if (thrown === undefined) throw new Error(`expected ${code}, but the command was accepted`);
              if (!isKmsError(thrown, code)) {
                const actual = thrown as { name?: string; code?: string; message?: string };
                throw new Error(`expected ${code}, got ${actual.name} ${actual.code ?? ''}: ${actual.message}`);
              }
              if (typeof message === 'string') expect(thrown.message).toContain(message);
              else if (message !== undefined) expect(thrown.message).toMatch(message);
            },
          };
        },
      };
    },
  };
}

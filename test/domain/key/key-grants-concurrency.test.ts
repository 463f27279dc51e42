import { afterEach, describe, expect, it } from 'vitest';
import { CommandHandler } from '../../../src/application/command-handler.js';
import type { EventStore } from '../../../src/application/ports/event-store.js';
import { WrongExpectedRevisionError } from '../../../src/application/ports/event-store-errors.js';
import type { CallContext } from '../../../src/domain/call-context.js';
import { isKmsError } from '../../../src/domain/errors.js';
import type { KeyCommand } from '../../../src/domain/key/key-commands.js';
import { keyDecider } from '../../../src/domain/key/key-decider.js';
import { keyStream } from '../../../src/domain/key/key-identity.js';
import { SqliteEventStore } from '../../../src/infrastructure/eventstore/sqlite/sqlite-event-store.js';
import { ACCOUNT, CALLER, createGrant, createKey, grantId, KEY_ID, NOW, REGION } from './key-fixtures.js';
import { testCallContext } from '../../support/call-context.js';

const context: CallContext = testCallContext('CreateGrant', { account: ACCOUNT, region: REGION, time: NOW, caller: { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: CALLER, accountId: ACCOUNT, userName: 'alice' } });

describe('grant limits under concurrent CreateGrant calls (SQLite, CommandHandler)', () => {
  let store: SqliteEventStore | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  /** Counts lost optimistic-concurrency races, to show the calls really did overlap. */
  function countingConflicts(inner: EventStore): { store: EventStore; conflicts: () => number } {
    let conflicts = 0;
    const store: EventStore = Object.create(inner) as EventStore;
    store.append = async (...args) => {
      try {
        return await inner.append(...args);
      } catch (e) {
        if (e instanceof WrongExpectedRevisionError) conflicts++;
        throw e;
      }
    };
    return { store, conflicts: () => conflicts };
  }

  async function setUp() {
    store = SqliteEventStore.open(':memory:');
    const counted = countingConflicts(store);
    const handler = new CommandHandler(counted.store, { maxAttempts: 200 });
    const stream = keyStream(KEY_ID);
    await handler.handle(keyDecider, stream, createKey(), { ...context, operation: 'CreateKey' });
    return { handler, stream, store, conflicts: counted.conflicts };
  }

  async function race(handler: CommandHandler, stream: string, commands: KeyCommand[]) {
    const outcomes = await Promise.allSettled(commands.map((command) => handler.handle(keyDecider, stream, command, context)));
    const accepted = outcomes.filter((o) => o.status === 'fulfilled').length;
    const refusals = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    return { accepted, refusals };
  }

  async function grantsInStream(s: SqliteEventStore, stream: string): Promise<number> {
    let count = 0;
    for await (const event of s.readStream(stream)) if (event.type === 'GrantCreated') count++;
    return count;
  }

  it('never lets the grants of one key pass the per-key limit', async () => {
    const { handler, stream, store: s, conflicts } = await setUp();
    const limits = { grantsPerKey: 5, grantsPerGranteePerKey: 100 };
    const commands = Array.from({ length: 24 }, (_, i) =>
      createGrant({ grantId: grantId(i + 1), granteePrincipal: `arn:aws:iam::${ACCOUNT}:role/r${i}`, limits }),
    );
    const { accepted, refusals } = await race(handler, stream, commands);
    expect(accepted).toBe(5);
    expect(refusals).toHaveLength(19);
    expect(refusals.every((e) => isKmsError(e, 'LimitExceededException'))).toBe(true);
    expect(await grantsInStream(s, stream)).toBe(5);
    expect(conflicts()).toBeGreaterThan(0);
  });

  it('never lets one grantee pass the per-grantee limit', async () => {
    const { handler, stream, store: s } = await setUp();
    const limits = { grantsPerKey: 1000, grantsPerGranteePerKey: 3 };
    const commands = Array.from({ length: 12 }, (_, i) => createGrant({ grantId: grantId(i + 1), limits }));
    const { accepted, refusals } = await race(handler, stream, commands);
    expect(accepted).toBe(3);
    expect(refusals.every((e) => isKmsError(e, 'LimitExceededException'))).toBe(true);
    expect(await grantsInStream(s, stream)).toBe(3);
  });
});

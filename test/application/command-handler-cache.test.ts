import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandHandler } from '../../src/application/command-handler.js';
import { FoldedStateCache } from '../../src/application/folded-state-cache.js';
import { StreamDeletedError } from '../../src/application/ports/event-store-errors.js';
import type { Decider } from '../../src/domain/decider.js';
import { SqliteEventStore } from '../../src/infrastructure/eventstore/sqlite/sqlite-event-store.js';
import { testCallContext } from '../support/call-context.js';

type Added = { type: 'Added'; data: { n: number } };
interface Total {
  readonly total: number;
}

/** A counter whose evolve calls are counted: a replay shows up as evolve calls. */
function counter(): Decider<{ add: number }, Added, Total> & { evolved: number } {
  const decider = {
    evolved: 0,
    initialState: () => ({ total: 0 }),
    decide: (command: { add: number }) => [{ type: 'Added' as const, data: { n: command.add } }],
    evolve: (state: Total, event: Added) => {
      decider.evolved++;
      return { total: state.total + event.data.n };
    },
    schemaVersions: { Added: 1 },
  };
  return decider;
}

const context = testCallContext('Test');

describe('CommandHandler with folded states cached', () => {
  let store: SqliteEventStore;
  beforeEach(() => {
    store = SqliteEventStore.open(':memory:');
  });
  afterEach(async () => {
    await store.close();
  });

  it('folds only the events after the cached revision, including those another node appended', async () => {
    const decider = counter();
    const nodeA = new CommandHandler(store, { maxAttempts: 3 });
    const nodeB = new CommandHandler(store, { maxAttempts: 3 });
    for (const add of [1, 2, 3]) await nodeA.handle(decider, 'counter-1', { add }, context);
    decider.evolved = 0;
    expect((await nodeB.load(decider, 'counter-1')).state.total).toBe(6);
    expect(decider.evolved).toBe(3);

    await nodeA.handle(decider, 'counter-1', { add: 10 }, context);
    decider.evolved = 0;
    expect(await nodeB.load(decider, 'counter-1')).toEqual({ state: { total: 16 }, revision: 3n });
    expect(decider.evolved).toBe(1);
    decider.evolved = 0;
    expect((await nodeA.load(decider, 'counter-1')).state.total).toBe(16);
    expect(decider.evolved).toBe(0);
  });

  it('decides on the latest state after losing a race to another node', async () => {
    const decider = counter();
    const nodeA = new CommandHandler(store, { maxAttempts: 3 });
    const nodeB = new CommandHandler(store, { maxAttempts: 3 });
    await nodeA.handle(decider, 'counter-2', { add: 1 }, context);
    await nodeB.load(decider, 'counter-2');
    await nodeA.handle(decider, 'counter-2', { add: 1 }, context);
    const outcome = await nodeB.handle(decider, 'counter-2', { add: 1 }, context);
    expect(outcome.state.total).toBe(3);
    expect(outcome.appended?.nextExpectedRevision).toBe(2n);
  });

  it('does not serve a deleted stream from the cache', async () => {
    const decider = counter();
    const handler = new CommandHandler(store, { maxAttempts: 3 });
    await handler.handle(decider, 'counter-3', { add: 1 }, context);
    await handler.load(decider, 'counter-3');
    await store.deleteStream('counter-3');
    await expect(handler.load(decider, 'counter-3')).rejects.toBeInstanceOf(StreamDeletedError);
  });

  it('replays in full with the cache off', async () => {
    const decider = counter();
    const handler = new CommandHandler(store, { maxAttempts: 3, cachedStreams: 0 });
    await handler.handle(decider, 'counter-4', { add: 2 }, context);
    await handler.handle(decider, 'counter-4', { add: 2 }, context);
    decider.evolved = 0;
    expect((await handler.load(decider, 'counter-4')).state.total).toBe(4);
    expect(decider.evolved).toBe(2);
  });
});

describe('FoldedStateCache', () => {
  it('forgets the least recently used stream first and never moves an entry back', () => {
    const cache = new FoldedStateCache(2);
    const decider = {};
    cache.put(decider, 'a-1', { state: 'a', revision: 1n });
    cache.put(decider, 'b-1', { state: 'b', revision: 1n });
    cache.get(decider, 'a-1');
    cache.put(decider, 'c-1', { state: 'c', revision: 1n });
    expect(cache.get(decider, 'b-1')).toBeUndefined();
    expect(cache.get(decider, 'a-1')).toEqual({ state: 'a', revision: 1n });
    cache.put(decider, 'a-1', { state: 'older', revision: 0n });
    expect(cache.get(decider, 'a-1')?.state).toBe('a');
    expect(cache.get({}, 'a-1')).toBeUndefined();
    cache.forget('a-1');
    expect(cache.get(decider, 'a-1')).toBeUndefined();
  });
});

/**
 * How the EventStoreDB adapter maps the client and the wire protocol onto the port, against
 * the protocol double (see protocol-double/esdb-protocol-double.ts). The shared contract
 * (esdb-contract.test.ts) covers the port's behaviour; these cover what only EventStoreDB
 * does: two-part positions, errors as the server words them, tombstoned events still in
 * $all, system events, cluster discovery, an unreachable server.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore, RecordedEvent, SubscriptionMessage } from '../../../src/application/ports/event-store.js';
import {
  EventStoreUnavailableError,
  StreamDeletedError,
  WrongExpectedRevisionError,
} from '../../../src/application/ports/event-store-errors.js';
import { comparePositions } from '../../../src/application/ports/positions.js';
import { EsdbEventStore } from '../../../src/infrastructure/eventstore/esdb/esdb-event-store.js';
import { type EsdbProtocolDouble, startEsdbProtocolDouble } from './protocol-double/esdb-protocol-double.js';

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

const ev = (type: string, data: Record<string, unknown> = {}) => ({ type, data: data as never });
const datas = (events: RecordedEvent[]) => events.map((e) => e.data);

let counter = 0;
const unique = (name: string) => `${name}${++counter}`;

/** A port nothing listens on: connections to it are refused at once. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('EsdbEventStore over the protocol double', () => {
  let double: EsdbProtocolDouble;
  let store: EventStore;
  beforeAll(async () => {
    double = await startEsdbProtocolDouble();
    store = new EsdbEventStore(double.connectionString);
  });
  afterAll(async () => {
    await store.close();
    await double.close();
  });

  // First, while the server holds nothing but its own system events.
  it('an empty log has no head position', async () => {
    expect(await store.headPosition()).toBeNull();
  });

  describe('append', () => {
    it('keeps ids, JSON data and metadata, and reports created as a Date', async () => {
      const stream = `${unique('json')}-1`;
      const id = '5f0c3d0e-6b1a-4c55-9d7e-0a4b2f3e9c11';
      await store.append(stream, [
        { id, type: 'A', data: { list: [1, 'two', null], nested: { ok: true } }, metadata: { requestId: 'r-1' } },
        { type: 'B', data: 'just a string' },
        { type: 'C', data: null },
      ]);
      const [a, b, c] = await collect(store.readStream(stream));
      expect(a).toMatchObject({ id, type: 'A', data: { list: [1, 'two', null], nested: { ok: true } }, metadata: { requestId: 'r-1' } });
      expect(b).toMatchObject({ type: 'B', data: 'just a string', metadata: {} });
      expect(c!.data).toBeNull();
      // Given ids are kept; the others are UUIDs of version 7 (event-id.ts).
      expect(b!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(a!.created).toBeInstanceOf(Date);
      expect(Number.isNaN(a!.created.getTime())).toBe(false);
    });

    it('rejects an empty append without calling the server', async () => {
      await expect(store.append(`${unique('empty')}-1`, [])).rejects.toBeInstanceOf(RangeError);
    });

    it.each([
      ['no_stream on an existing stream', 'existing', 'no_stream' as const, 1n],
      ['stream_exists on a missing stream', 'missing', 'stream_exists' as const, 'no_stream' as const],
      ['an exact revision on a missing stream', 'missing', 5n, 'no_stream' as const],
      ['an exact revision behind the stream', 'existing', 0n, 1n],
    ])('maps WrongExpectedVersion for %s', async (_name, state, expected, actual) => {
      const stream = `${unique('wev')}-1`;
      if (state === 'existing') await store.append(stream, [ev('E'), ev('E')], 'no_stream');
      const error = await store.append(stream, [ev('E')], expected).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WrongExpectedRevisionError);
      expect(error).toMatchObject({ stream, expected, actual });
    });
  });

  describe('positions', () => {
    it('keeps both halves: the events of one append share a commit position and differ in prepare', async () => {
      const stream = `${unique('pos')}-1`;
      const result = await store.append(stream, [ev('E', { i: 0 }), ev('E', { i: 1 }), ev('E', { i: 2 })], 'no_stream');
      const events = await collect(store.readStream(stream));
      expect(new Set(events.map((e) => e.position.commit)).size).toBe(1);
      expect(new Set(events.map((e) => e.position.prepare)).size).toBe(3);
      expect(comparePositions(result.position, events[2]!.position)).toBe(0);
    });

    it('resumes a subscription and a read from a position inside one append', async () => {
      const cat = unique('mid');
      await store.append(`${cat}-1`, [ev('E', { i: 0 }), ev('E', { i: 1 }), ev('E', { i: 2 })], 'no_stream');
      const filter = { streamNamePrefixes: [`${cat}-`] };
      const [, second] = await collect(store.readStream(`${cat}-1`));

      const fromSecond = await collect(store.readAll({ fromPosition: second!.position, filter }));
      expect(datas(fromSecond)).toEqual([{ i: 1 }, { i: 2 }]);

      const subscription = store.subscribeToAll({ fromPosition: second!.position, filter });
      const seen: unknown[] = [];
      for await (const m of subscription) {
        if (m.kind === 'caughtUp') break;
        if (m.kind !== 'event') continue;
        seen.push(m.event.data);
      }
      await subscription.stop();
      expect(seen).toEqual([{ i: 2 }]);
    });

    it('reads $all backwards from a position, that position included', async () => {
      const cat = unique('back');
      for (let i = 0; i < 5; i++) await store.append(`${cat}-${i % 2}`, [ev('E', { i })], 'any');
      const filter = { streamNamePrefixes: [`${cat}-`] };
      const forwards = await collect(store.readAll({ filter }));
      const third = forwards[3]!.position;
      expect(datas(await collect(store.readAll({ direction: 'backwards', fromPosition: third, filter })))).toEqual([3, 2, 1, 0].map((i) => ({ i })));
      expect(datas(await collect(store.readAll({ direction: 'backwards', fromPosition: third, filter, maxCount: 2 })))).toEqual([{ i: 3 }, { i: 2 }]);
    });
  });

  describe('system events and system streams', () => {
    it('leaves them out of readAll and subscriptions, whatever the filter', async () => {
      const cat = unique('sys');
      const first = await store.append(`${cat}-1`, [ev('UserThing', { n: 1 })], 'no_stream');
      double.log.appendSystemEvent(`$$${cat}-1`, '$metadata');
      double.log.appendSystemEvent(`${cat}-2`, '$UserThingLinked');
      double.log.appendSystemEvent(`$ce-${cat}`, 'UserThing');
      double.log.appendSystemEvent('$stats-127.0.0.1:2113', '$statsCollected');
      await store.append(`${cat}-1`, [ev('UserThing', { n: 2 })], 0n);

      const byStream = await collect(store.readAll({ fromPosition: first.position, filter: { streamNamePrefixes: [`${cat}-`] } }));
      expect(datas(byStream)).toEqual([{ n: 1 }, { n: 2 }]);
      const byType = await collect(store.readAll({ fromPosition: first.position, filter: { eventTypePrefixes: ['UserThing'] } }));
      expect(byType.map((e) => e.stream)).toEqual([`${cat}-1`, `${cat}-1`]);
      const unfiltered = await collect(store.readAll({ fromPosition: first.position }));
      expect(unfiltered.every((e) => !e.type.startsWith('$') && !e.stream.startsWith('$'))).toBe(true);
      expect(unfiltered.filter((e) => e.stream === `${cat}-1`)).toHaveLength(2);

      const subscription = store.subscribeToAll({ fromPosition: first.position });
      const seen: RecordedEvent[] = [];
      for await (const m of subscription) {
        if (m.kind === 'caughtUp') break;
        if (m.kind !== 'event') continue;
        seen.push(m.event);
      }
      await subscription.stop();
      expect(seen.map((e) => e.data)).toEqual([{ n: 2 }]);
    });

    it('still returns maxCount events when some in between are left out', async () => {
      const cat = unique('gap');
      const first = await store.append(`${cat}-a`, [ev('E', { n: 1 })], 'no_stream');
      await store.append(`${cat}-gone`, [ev('E', { n: 'x' }), ev('E', { n: 'y' })], 'no_stream');
      double.log.appendSystemEvent(`${cat}-sys`, '$statsCollected');
      await store.deleteStream(`${cat}-gone`);
      await store.append(`${cat}-a`, [ev('E', { n: 2 }), ev('E', { n: 3 })], 0n);
      const read = await collect(store.readAll({ fromPosition: first.position, filter: { streamNamePrefixes: [`${cat}-`] }, maxCount: 2 }));
      expect(datas(read)).toEqual([{ n: 1 }, { n: 2 }]);
    });
  });

  describe('tombstones', () => {
    it('reads, appends and deletes again as StreamDeletedError', async () => {
      const stream = `${unique('tomb')}-1`;
      await store.append(stream, [ev('E')], 'no_stream');
      await store.deleteStream(stream, 0n);
      await expect(collect(store.readStream(stream))).rejects.toBeInstanceOf(StreamDeletedError);
      await expect(store.append(stream, [ev('E')], 'no_stream')).rejects.toMatchObject({ name: 'StreamDeletedError', stream });
      await expect(store.deleteStream(stream)).rejects.toBeInstanceOf(StreamDeletedError);
    });

    it("maps a tombstone's wrong expected revision, 'no_stream' included", async () => {
      const missing = `${unique('tombmiss')}-1`;
      const error = await store.deleteStream(missing, 0n).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WrongExpectedRevisionError);
      expect(error).toMatchObject({ stream: missing, expected: 0n, actual: 'no_stream' });
      const existing = `${unique('tombexist')}-1`;
      await store.append(existing, [ev('E'), ev('E')]);
      await expect(store.deleteStream(existing, 'no_stream')).rejects.toMatchObject({ expected: 'no_stream', actual: 1n });
    });

    it('hides the events the server still keeps in $all, also from a store that did not delete them', async () => {
      const cat = unique('shred');
      const kept = await store.append(`${cat}-keep`, [ev('K')], 'no_stream');
      await store.append(`${cat}-gone`, [ev('G', { wrapped: 'material' })], 'no_stream');
      await store.deleteStream(`${cat}-gone`);
      const elsewhere = new EsdbEventStore(double.connectionString);
      try {
        const filter = { streamNamePrefixes: [`${cat}-`] };
        expect((await collect(elsewhere.readAll({ fromPosition: kept.position, filter }))).map((e) => e.stream)).toEqual([`${cat}-keep`]);
        expect((await collect(elsewhere.readAll({ direction: 'backwards', filter }))).map((e) => e.stream)).toEqual([`${cat}-keep`]);
        const subscription = elsewhere.subscribeToAll({ filter });
        const seen: string[] = [];
        for await (const m of subscription) {
          if (m.kind === 'caughtUp') break;
          if (m.kind !== 'event') continue;
          seen.push(m.event.stream);
        }
        await subscription.stop();
        expect(seen).toEqual([`${cat}-keep`]);
      } finally {
        await elsewhere.close();
      }
    });
  });

  describe('subscribeToAll', () => {
    it("puts caughtUp where the server sends it, with the last position seen", async () => {
      const cat = unique('cu');
      const filter = { streamNamePrefixes: [`${cat}-`] };
      const last = await store.append(`${cat}-1`, [ev('E', { i: 0 }), ev('E', { i: 1 })], 'no_stream');
      const subscription = store.subscribeToAll({ filter });
      const messages: SubscriptionMessage[] = [];
      for await (const m of subscription) {
        messages.push(m);
        if (m.kind === 'caughtUp') await store.append(`${cat}-1`, [ev('E', { i: 2 })], 1n);
        if (messages.length === 4) break;
      }
      expect(messages.map((m) => (m.kind === 'event' ? m.event.data : m.kind))).toEqual([{ i: 0 }, { i: 1 }, 'caughtUp', { i: 2 }]);
      const caughtUp = messages[2] as Extract<SubscriptionMessage, { kind: 'caughtUp' }>;
      expect(caughtUp.position && comparePositions(caughtUp.position, last.position)).toBeGreaterThanOrEqual(0);
    });

    it("from 'end' delivers only what is appended after it", async () => {
      const cat = unique('end');
      await store.append(`${cat}-1`, [ev('E', { i: 0 })], 'no_stream');
      const subscription = store.subscribeToAll({ fromPosition: 'end', filter: { streamNamePrefixes: [`${cat}-`] } });
      const messages: SubscriptionMessage[] = [];
      for await (const m of subscription) {
        messages.push(m);
        if (m.kind === 'caughtUp') await store.append(`${cat}-1`, [ev('E', { i: 1 })], 0n);
        else break;
      }
      expect(messages.map((m) => (m.kind === 'event' ? m.event.data : m.kind))).toEqual(['caughtUp', { i: 1 }]);
    });

    it('can be iterated once', () => {
      const subscription = store.subscribeToAll();
      subscription[Symbol.asyncIterator]();
      expect(() => subscription[Symbol.asyncIterator]()).toThrow();
      return subscription.stop();
    });
  });

  it('discovers the leader through gossip from a cluster connection string', async () => {
    const clustered = new EsdbEventStore(`esdb://127.0.0.1:${await deadPort()},127.0.0.1:${double.port}?tls=false&discoveryInterval=10`);
    try {
      const stream = `${unique('cluster')}-1`;
      await clustered.append(stream, [ev('E', { via: 'gossip' })], 'no_stream');
      expect(datas(await collect(store.readStream(stream)))).toEqual([{ via: 'gossip' }]);
    } finally {
      await clustered.close();
    }
  });
});

describe('EsdbEventStore without a server', () => {
  it('reports EventStoreUnavailableError for every operation', async () => {
    const store = new EsdbEventStore(`esdb://127.0.0.1:${await deadPort()}?tls=false`);
    try {
      await expect(store.append('nowhere-1', [ev('E')])).rejects.toBeInstanceOf(EventStoreUnavailableError);
      await expect(collect(store.readStream('nowhere-1'))).rejects.toBeInstanceOf(EventStoreUnavailableError);
      await expect(collect(store.readAll())).rejects.toBeInstanceOf(EventStoreUnavailableError);
      await expect(store.deleteStream('nowhere-1')).rejects.toBeInstanceOf(EventStoreUnavailableError);
      await expect(collect(store.subscribeToAll())).rejects.toBeInstanceOf(EventStoreUnavailableError);
    } finally {
      await store.close();
    }
  });

  it('reports EventStoreUnavailableError when cluster discovery finds no node', async () => {
    const seeds = `127.0.0.1:${await deadPort()},127.0.0.1:${await deadPort()}`;
    const store = new EsdbEventStore(`esdb://${seeds}?tls=false&maxDiscoverAttempts=2&discoveryInterval=10`);
    try {
      await expect(store.append('nowhere-1', [ev('E')])).rejects.toBeInstanceOf(EventStoreUnavailableError);
      await expect(collect(store.readAll())).rejects.toBeInstanceOf(EventStoreUnavailableError);
    } finally {
      await store.close();
    }
  });

  it('ends a live subscription with EventStoreUnavailableError when the server goes away', async () => {
    const double = await startEsdbProtocolDouble();
    const store = new EsdbEventStore(double.connectionString);
    try {
      await store.append('going-1', [ev('E')]);
      const iterator = store.subscribeToAll({ filter: { streamNamePrefixes: ['going-'] } })[Symbol.asyncIterator]();
      expect((await iterator.next()).value).toMatchObject({ kind: 'event' });
      expect((await iterator.next()).value).toMatchObject({ kind: 'caughtUp' });
      const waiting = iterator.next();
      await double.close();
      await expect(waiting).rejects.toBeInstanceOf(EventStoreUnavailableError);
    } finally {
      await store.close();
    }
  });
});

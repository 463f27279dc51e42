/**
 * The event store contract: EventStoreDB semantics, run against every engine. Stream
 * names carry a random suffix and reads of $all are filtered to them, so the suite can
 * run against a shared live server too.
 */
import { randomUUID } from 'node:crypto';
import { firstValueFrom, filter as rxFilter, take, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore, GlobalPosition, RecordedEvent, SubscriptionMessage } from '../../src/application/ports/event-store.js';
import { StreamDeletedError, WrongExpectedRevisionError } from '../../src/application/ports/event-store-errors.js';
import { comparePositions } from '../../src/application/ports/positions.js';
import { subscriptionToObservable } from '../../src/application/subscription-observable.js';

export interface OpenedStore {
  readonly store: EventStore;
  close(): Promise<void>;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

function ev(type: string, data: Record<string, unknown> = {}) {
  return { type, data: data as never, metadata: { causedBy: 'contract' } };
}

/** The messages of a subscription up to and including its caughtUp. */
async function untilCaughtUp(subscription: AsyncIterable<SubscriptionMessage>): Promise<SubscriptionMessage[]> {
  const out: SubscriptionMessage[] = [];
  for await (const message of subscription) {
    out.push(message);
    if (message.kind === 'caughtUp') break;
  }
  return out;
}

function reportedPosition(message: SubscriptionMessage): GlobalPosition | null {
  return message.kind === 'event' ? message.event.position : message.kind === 'checkpoint' ? message.position : null;
}

/** The position the consumer may resume from after these messages. */
function lastReported(messages: readonly SubscriptionMessage[]): GlobalPosition | null {
  let last: GlobalPosition | null = null;
  for (const m of messages) last = reportedPosition(m) ?? last;
  return last;
}

/** Events and checkpoints move strictly forward: nothing repeated, nothing covered before it was delivered. */
function expectStrictlyAscending(messages: readonly SubscriptionMessage[]): void {
  let previous: GlobalPosition | null = null;
  for (const m of messages) {
    const position = reportedPosition(m);
    if (position === null) continue;
    if (previous !== null) expect(comparePositions(position, previous)).toBe(1);
    previous = position;
  }
}

/** A category unique to one test, so filters and assertions see only its own streams. */
function category(): string {
  return `ct${randomUUID().replaceAll('-', '').slice(0, 12)}`;
}

export function describeEventStoreContract(engine: string, open: () => Promise<OpenedStore>): void {
  describe(`event store contract: ${engine}`, () => {
    let opened: OpenedStore;
    let store: EventStore;
    beforeAll(async () => {
      opened = await open();
      store = opened.store;
    });
    afterAll(async () => {
      await opened?.close();
    });

    describe('append and readStream', () => {
      it('records type, data, metadata, id, stream, revision, position and created time', async () => {
        const stream = `${category()}-a`;
        const id = randomUUID();
        const before = Date.now();
        const result = await store.append(stream, [{ id, type: 'Thing', data: { n: 1, s: 'x', nested: { a: [1, 2] } }, metadata: { m: 'y' } }], 'no_stream');
        expect(result.nextExpectedRevision).toBe(0n);
        const [e] = await collect(store.readStream(stream));
        expect(e).toMatchObject({ id, type: 'Thing', stream, revision: 0n, data: { n: 1, s: 'x', nested: { a: [1, 2] } } });
        expect(e!.metadata).toMatchObject({ m: 'y' });
        expect(comparePositions(e!.position, result.position)).toBe(0);
        expect(e!.created.getTime()).toBeGreaterThanOrEqual(before - 60_000);
      });

      it('reads forwards and backwards, from a revision, with a max count', async () => {
        const stream = `${category()}-r`;
        await store.append(stream, Array.from({ length: 10 }, (_, i) => ev('E', { i })), 'no_stream');
        const revs = (xs: RecordedEvent[]) => xs.map((e) => Number(e.revision));
        expect(revs(await collect(store.readStream(stream)))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        expect(revs(await collect(store.readStream(stream, { fromRevision: 4n, maxCount: 3 })))).toEqual([4, 5, 6]);
        expect(revs(await collect(store.readStream(stream, { direction: 'backwards' })))).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
        expect(revs(await collect(store.readStream(stream, { direction: 'backwards', fromRevision: 3n })))).toEqual([3, 2, 1, 0]);
        expect(revs(await collect(store.readStream(stream, { direction: 'backwards', fromRevision: 'end', maxCount: 2 })))).toEqual([9, 8]);
        expect((await collect(store.readStream(stream))).map((e) => e.data)).toEqual(Array.from({ length: 10 }, (_, i) => ({ i })));
      });

      it('reads a stream that does not exist as empty', async () => {
        expect(await collect(store.readStream(`${category()}-missing`))).toEqual([]);
      });
    });

    describe('expected revision', () => {
      it('no_stream: succeeds on a new stream, conflicts on an existing one', async () => {
        const stream = `${category()}-n`;
        await store.append(stream, [ev('E')], 'no_stream');
        const error = await store.append(stream, [ev('E')], 'no_stream').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ stream, expected: 'no_stream', actual: 0n });
      });

      it("stream_exists: conflicts on a missing stream with actual 'no_stream'", async () => {
        const stream = `${category()}-s`;
        const error = await store.append(stream, [ev('E')], 'stream_exists').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ expected: 'stream_exists', actual: 'no_stream' });
        await store.append(stream, [ev('E')], 'any');
        await expect(store.append(stream, [ev('E')], 'stream_exists')).resolves.toMatchObject({ nextExpectedRevision: 1n });
      });

      it('an exact revision: succeeds when it matches, conflicts with the actual revision otherwise', async () => {
        const stream = `${category()}-x`;
        await store.append(stream, [ev('E'), ev('E')], 'no_stream');
        const error = await store.append(stream, [ev('E')], 0n).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ expected: 0n, actual: 1n });
        const missing = await store.append(`${category()}-x`, [ev('E')], 3n).catch((e: unknown) => e);
        expect(missing).toMatchObject({ expected: 3n, actual: 'no_stream' });
        await expect(store.append(stream, [ev('E')], 1n)).resolves.toMatchObject({ nextExpectedRevision: 2n });
      });

      it('any: always appends', async () => {
        const stream = `${category()}-y`;
        await store.append(stream, [ev('E')], 'any');
        await expect(store.append(stream, [ev('E')], 'any')).resolves.toMatchObject({ nextExpectedRevision: 1n });
      });

      it('many concurrent appenders to one stream: exactly one wins each revision', async () => {
        const stream = `${category()}-c`;
        await store.append(stream, [ev('Seed')], 'no_stream');
        const attempts = await Promise.allSettled(
          Array.from({ length: 32 }, (_, i) => store.append(stream, [ev('Race', { i })], 0n)),
        );
        expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
        for (const a of attempts.filter((a) => a.status === 'rejected')) {
          expect((a as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
        }

        // Appenders that retry on conflict: every win lands on its own revision, no gap.
        let wins = 0;
        await Promise.all(
          Array.from({ length: 16 }, async (_, worker) => {
            for (let done = 0; done < 5; ) {
              const last = (await collect(store.readStream(stream, { direction: 'backwards', maxCount: 1 })))[0]!;
              try {
                await store.append(stream, [ev('Race', { worker, done })], last.revision);
                wins++;
                done++;
              } catch (e) {
                if (!(e instanceof WrongExpectedRevisionError)) throw e;
              }
            }
          }),
        );
        const all = await collect(store.readStream(stream));
        expect(wins).toBe(80);
        expect(all.map((e) => Number(e.revision))).toEqual(Array.from({ length: 82 }, (_, i) => i));
      });
    });

    describe('atomicity', () => {
      it('writes all events of one append, contiguous, or none', async () => {
        const stream = `${category()}-t`;
        const ok = await store.append(stream, [ev('A'), ev('B'), ev('C')], 'no_stream');
        expect(ok.nextExpectedRevision).toBe(2n);
        await expect(store.append(stream, [ev('D'), ev('E')], 0n)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        const events = await collect(store.readStream(stream));
        expect(events.map((e) => e.type)).toEqual(['A', 'B', 'C']);
        const positions = events.map((e) => e.position);
        for (let i = 1; i < positions.length; i++) expect(comparePositions(positions[i - 1]!, positions[i]!)).toBe(-1);
      });
    });

    describe('readAll', () => {
      it('reads every stream in global order, from a position, backwards, filtered', async () => {
        const cat = category();
        const first = await store.append(`${cat}-1`, [ev('Ta', { k: 0 })], 'no_stream');
        await store.append(`${cat}-2`, [ev('Tb', { k: 1 })], 'no_stream');
        await store.append(`${cat}-1`, [ev('Ta', { k: 2 }), ev('Ta', { k: 3 })], 0n);
        await store.append(`${cat}-3`, [ev('Tb', { k: 4 })], 'no_stream');

        const forwards = await collect(store.readAll({ fromPosition: first.position, filter: { streamNamePrefixes: [`${cat}-`] } }));
        expect(forwards.map((e) => e.data)).toEqual([0, 1, 2, 3, 4].map((k) => ({ k })));
        for (let i = 1; i < forwards.length; i++) expect(comparePositions(forwards[i - 1]!.position, forwards[i]!.position)).toBe(-1);

        const fromThird = await collect(store.readAll({ fromPosition: forwards[2]!.position, filter: { streamNamePrefixes: [`${cat}-`] }, maxCount: 2 }));
        expect(fromThird.map((e) => e.data)).toEqual([{ k: 2 }, { k: 3 }]);

        const backwards = await collect(store.readAll({ direction: 'backwards', filter: { streamNamePrefixes: [`${cat}-`] }, maxCount: 5 }));
        expect(backwards.map((e) => e.data)).toEqual([4, 3, 2, 1, 0].map((k) => ({ k })));

        const typeTb = await collect(store.readAll({ fromPosition: first.position, filter: { eventTypePrefixes: ['Tb'] } }));
        expect(typeTb.filter((e) => e.stream.startsWith(cat)).map((e) => e.data)).toEqual([{ k: 1 }, { k: 4 }]);
      });

      it('tells the position of the newest event of the log and of one stream, without reading it', async () => {
        const cat = category();
        const first = await store.append(`${cat}-a`, [ev('A'), ev('A')]);
        const second = await store.append(`${cat}-b`, [ev('B')]);
        expect(comparePositions((await store.headPosition(`${cat}-a`))!, first.position)).toBe(0);
        expect(comparePositions((await store.headPosition(`${cat}-b`))!, second.position)).toBe(0);
        // Other writers may share a live server: the log's head is at least this test's last append.
        expect(comparePositions((await store.headPosition())!, second.position)).toBeGreaterThanOrEqual(0);
        expect(await store.headPosition(`${cat}-never-written`)).toBeNull();
        await store.deleteStream(`${cat}-b`);
        expect(await store.headPosition(`${cat}-b`)).toBeNull();
      });

      it('returns the global position of an append, which readAll reports for the same event', async () => {
        const stream = `${category()}-p`;
        const result = await store.append(stream, [ev('P')], 'no_stream');
        const [event] = await collect(store.readAll({ fromPosition: result.position, maxCount: 1 }));
        expect(event!.stream).toBe(stream);
        expect(comparePositions(event!.position, result.position)).toBe(0);
      });
    });

    describe('subscribeToAll', () => {
      it('delivers history, then caughtUp, then live events, with no gap and no duplicate', async () => {
        const cat = category();
        const filter = { streamNamePrefixes: [`${cat}-`] };
        for (let i = 0; i < 25; i++) await store.append(`${cat}-${i % 3}`, [ev('H', { i })], 'any');

        const subscription = store.subscribeToAll({ filter });
        const seen: number[] = [];
        let caughtUpAt = -1;
        const appendsDuringCatchUp = (async () => {
          for (let i = 25; i < 60; i++) await store.append(`${cat}-${i % 3}`, [ev('L', { i })], 'any');
        })();
        for await (const message of subscription) {
          if (message.kind === 'caughtUp') {
            caughtUpAt = seen.length;
            continue;
          }
          if (message.kind !== 'event') continue;
          seen.push((message.event.data as { i: number }).i);
          if (seen.length === 60) break;
        }
        await appendsDuringCatchUp;
        await subscription.stop();
        expect(seen).toEqual(Array.from({ length: 60 }, (_, i) => i));
        expect(caughtUpAt).toBeGreaterThanOrEqual(25);
      });

      it('resumes after a checkpoint (exclusive)', async () => {
        const cat = category();
        const positions: GlobalPosition[] = [];
        for (let i = 0; i < 5; i++) positions.push((await store.append(`${cat}-s`, [ev('E', { i })], 'any')).position);
        const subscription = store.subscribeToAll({ fromPosition: positions[1]!, filter: { streamNamePrefixes: [`${cat}-`] } });
        const seen: number[] = [];
        for await (const message of subscription) {
          if (message.kind === 'caughtUp') break;
          if (message.kind !== 'event') continue;
          seen.push((message.event.data as { i: number }).i);
        }
        await subscription.stop();
        expect(seen).toEqual([2, 3, 4]);
      });

      it('stops cleanly while waiting for live events', async () => {
        const cat = category();
        await store.append(`${cat}-s`, [ev('E')], 'any');
        const subscription = store.subscribeToAll({ filter: { streamNamePrefixes: [`${cat}-`] } });
        const messages: SubscriptionMessage[] = [];
        const consumed = (async () => {
          for await (const m of subscription) messages.push(m);
        })();
        while (!messages.some((m) => m.kind === 'caughtUp')) await new Promise((r) => setTimeout(r, 5));
        await subscription.stop();
        await consumed;
        expect(messages.map((m) => m.kind)).toEqual(['event', 'caughtUp']);
      });

      it('with checkpoints: delivers only matching events, and checkpoints cover the ones left out', async () => {
        const cat = category();
        const keep = `${cat}Keep`;
        const before = await store.append(`${cat}-start`, [ev('Start')], 'no_stream');
        const kept: number[] = [];
        let last: GlobalPosition = before.position;
        for (let i = 0; i < 30; i++) {
          const result = await store.append(`${cat}-${i % 4}`, [ev(i % 3 === 0 ? keep : `${cat}Skip`, { i })], 'any');
          if (i % 3 === 0) kept.push(i);
          last = result.position;
        }
        expect(kept.length).toBeLessThan(30);
        const subscription = store.subscribeToAll({ fromPosition: before.position, filter: { eventTypes: [keep] }, checkpoints: true });
        const messages = await untilCaughtUp(subscription);
        await subscription.stop();
        expect(messages.flatMap((m) => (m.kind === 'event' ? [(m.event.data as { i: number }).i] : []))).toEqual(kept);
        expect(messages.some((m) => m.kind === 'checkpoint')).toBe(true);
        expectStrictlyAscending(messages);
        // By the time it is caught up, everything written before has been delivered or passed over.
        expect(comparePositions(lastReported(messages)!, last)).toBeGreaterThanOrEqual(0);
      });

      it('with checkpoints: no gap and no duplicate at the live seam, and a left-out live event is covered', async () => {
        const cat = category();
        const keep = `${cat}Keep`;
        const filter = { eventTypes: [keep] };
        const start = await store.append(`${cat}-start`, [ev('Start')], 'no_stream');
        for (let i = 0; i < 20; i++) await store.append(`${cat}-${i % 3}`, [ev(i % 2 === 0 ? keep : `${cat}Skip`, { i })], 'any');
        const subscription = store.subscribeToAll({ fromPosition: start.position, filter, checkpoints: true });
        const messages: SubscriptionMessage[] = [];
        let lastAppend: GlobalPosition = start.position;
        const appendsDuringCatchUp = (async () => {
          for (let i = 20; i < 50; i++) {
            lastAppend = (await store.append(`${cat}-${i % 3}`, [ev(i % 2 === 0 ? keep : `${cat}Skip`, { i })], 'any')).position;
          }
        })();
        const iterator = subscription[Symbol.asyncIterator]();
        const covered = () => lastReported(messages.filter((m) => m.kind !== 'caughtUp'));
        const pull = async (until: () => boolean) => {
          while (!until()) {
            const next = await iterator.next();
            if (next.done) throw new Error('The subscription ended');
            messages.push(next.value);
          }
        };
        await appendsDuringCatchUp;
        await pull(() => { const c = covered(); return c !== null && comparePositions(c, lastAppend) >= 0; });
        await pull(() => messages.some((m) => m.kind === 'caughtUp'));
        // Live: an event the filter leaves out is still reported, by a checkpoint.
        const skipped = await store.append(`${cat}-live`, [ev(`${cat}Skip`, { i: 50 })], 'no_stream');
        await pull(() => { const c = covered(); return c !== null && comparePositions(c, skipped.position) >= 0; });
        await subscription.stop();
        const seen = messages.flatMap((m) => (m.kind === 'event' ? [(m.event.data as { i: number }).i] : []));
        expect(seen).toEqual(Array.from({ length: 25 }, (_, k) => k * 2));
        expectStrictlyAscending(messages);
        const last = messages.filter((m) => m.kind !== 'caughtUp').at(-1)!;
        expect(last.kind).toBe('checkpoint');
      });

      it('without checkpoints asked for, sends none', async () => {
        const cat = category();
        const start = await store.append(`${cat}-start`, [ev('Start')], 'no_stream');
        await store.append(`${cat}-s`, [ev(`${cat}Skip`), ev(`${cat}Keep`), ev(`${cat}Skip`)], 'no_stream');
        const subscription = store.subscribeToAll({ fromPosition: start.position, filter: { eventTypes: [`${cat}Keep`] } });
        const messages = await untilCaughtUp(subscription);
        await subscription.stop();
        expect(messages.map((m) => m.kind)).toEqual(['event', 'caughtUp']);
      });

      it('is offered as an rxjs Observable', async () => {
        const cat = category();
        await store.append(`${cat}-o`, [ev('E', { i: 0 }), ev('E', { i: 1 })], 'any');
        const events$ = subscriptionToObservable(store.subscribeToAll({ filter: { streamNamePrefixes: [`${cat}-`] } }));
        const live = firstValueFrom(
          events$.pipe(
            rxFilter((m) => m.kind === 'event'),
            take(3),
            toArray(),
          ),
        );
        await store.append(`${cat}-o`, [ev('E', { i: 2 })], 'any');
        const got = await live;
        expect(got.map((m) => (m.kind === 'event' ? m.event.data : null))).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
      });
    });

    describe('deleteStream', () => {
      it('hard-deletes: the stream reads as deleted, refuses appends, and its events leave $all', async () => {
        const cat = category();
        const kept = await store.append(`${cat}-keep`, [ev('K')], 'no_stream');
        await store.append(`${cat}-gone`, [ev('G', { secret: 'wrapped' }), ev('G')], 'no_stream');
        await store.deleteStream(`${cat}-gone`);
        await expect(collect(store.readStream(`${cat}-gone`))).rejects.toBeInstanceOf(StreamDeletedError);
        await expect(store.append(`${cat}-gone`, [ev('G')], 'any')).rejects.toBeInstanceOf(StreamDeletedError);
        const all = await collect(store.readAll({ fromPosition: kept.position, filter: { streamNamePrefixes: [`${cat}-`] } }));
        expect(all.map((e) => e.stream)).toEqual([`${cat}-keep`]);
        expect(await collect(store.readStream(`${cat}-keep`))).toHaveLength(1);
      });

      it('checks the expected revision', async () => {
        const stream = `${category()}-d`;
        await store.append(stream, [ev('E')], 'no_stream');
        await expect(store.deleteStream(stream, 5n)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        await store.deleteStream(stream, 0n);
      });
    });
  });
}

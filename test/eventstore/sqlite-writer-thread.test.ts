import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedEvent, Subscription } from '../../src/application/ports/event-store.js';
import { StreamDeletedError, WrongExpectedRevisionError } from '../../src/application/ports/event-store-errors.js';
import type { WriteOp } from '../../src/infrastructure/eventstore/sqlite/batch-writer.js';
import { SqliteEventStore } from '../../src/infrastructure/eventstore/sqlite/sqlite-event-store.js';
import { decodeWriteOps, encodeWriteOps } from '../../src/infrastructure/eventstore/sqlite/write-op-codec.js';

const THREADED = { writerThread: true } as const;

const dirs: string[] = [];
function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'keytrail-writer-'));
  dirs.push(dir);
  return join(dir, 'events.db');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Takes `count` events from a subscription, as stream:data. */
async function take(subscription: Subscription, count: number): Promise<string[]> {
  const seen: string[] = [];
  for await (const message of subscription) {
    if (message.kind === 'event') seen.push(`${message.event.stream}:${JSON.stringify(message.event.data)}`);
    if (seen.length === count) break;
  }
  return seen;
}

describe('sqlite engine: the writer thread', () => {
  it('carries every field of a batch across the thread boundary unchanged', () => {
    const ops: WriteOp[] = [
      { kind: 'append', stream: 'a-1', expected: 'no_stream', events: [['id-1', 'E', '{"x":"1:2:3"}', '{}']] },
      { kind: 'append', stream: 'odd-\u0000:7:', expected: 12345678901234567890n, events: [['id-2', 'T:', '"é😀"', '{"k":""}'], ['id-3', '', '""', '{}']] },
      { kind: 'delete', stream: 'b-2', expected: 'stream_exists' },
      { kind: 'delete', stream: 'c-3', expected: 'any' },
    ];
    expect(decodeWriteOps(encodeWriteOps(ops))).toEqual(ops);
    expect(decodeWriteOps(encodeWriteOps([]))).toEqual([]);
  });

  it('reports refusals from the writer as the port errors, one append at a time', async () => {
    const store = SqliteEventStore.open(tempPath(), THREADED);
    await store.append('w-1', [{ type: 'E', data: 1 }], 'no_stream');
    await store.append('w-2', [{ type: 'E', data: 1 }]);
    await store.deleteStream('w-2');
    const results = await Promise.allSettled([
      store.append('w-1', [{ type: 'E', data: 2 }], 5n),
      store.append('w-1', [{ type: 'E', data: 3 }], 0n),
      store.append('w-2', [{ type: 'E', data: 4 }]),
    ]);
    expect(results[0]).toMatchObject({ status: 'rejected', reason: expect.any(WrongExpectedRevisionError) });
    expect((results[0] as PromiseRejectedResult).reason).toMatchObject({ expected: 5n, actual: 0n });
    expect(results[1]).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: 1n } });
    expect(results[2]).toMatchObject({ status: 'rejected', reason: expect.any(StreamDeletedError) });
    await store.close();
  });

  it('gives a live subscription every event in order when another instance writes between ours', async () => {
    const path = tempPath();
    const store = SqliteEventStore.open(path, { ...THREADED, pollIntervalMs: 20 });
    const other = SqliteEventStore.open(path, THREADED);
    const subscription = store.subscribeToAll();
    const seen = take(subscription, 6);
    await store.append('m-1', [{ type: 'E', data: 1 }]);
    await other.append('o-1', [{ type: 'E', data: 2 }]);
    await store.append('m-1', [{ type: 'E', data: 3 }, { type: 'E', data: 4 }]);
    await other.append('o-1', [{ type: 'E', data: 5 }]);
    await store.append('m-1', [{ type: 'E', data: 6 }]);
    expect(await seen).toEqual(['m-1:1', 'o-1:2', 'm-1:3', 'm-1:4', 'o-1:5', 'm-1:6']);
    await subscription.stop();
    await other.close();
    await store.close();
  });

  it('never delivers the events of a stream deleted through the same instance', async () => {
    const store = SqliteEventStore.open(tempPath(), THREADED);
    const subscription = store.subscribeToAll();
    await take(subscription, 0);
    await store.append('gone-1', [{ type: 'E', data: 1 }]);
    await store.deleteStream('gone-1');
    await store.append('kept-1', [{ type: 'E', data: 2 }]);
    const late = store.subscribeToAll();
    expect(await take(late, 1)).toEqual(['kept-1:2']);
    await late.stop();
    await subscription.stop();
    await store.close();
  });

  it('serves subscriptions at the same place the same events, whose data and metadata read like plain properties', async () => {
    const store = SqliteEventStore.open(tempPath(), THREADED);
    const first = store.subscribeToAll();
    const second = store.subscribeToAll();
    const collect = async (s: Subscription) => {
      const events: RecordedEvent[] = [];
      for await (const m of s) {
        if (m.kind === 'event') events.push(m.event);
        if (events.length === 2) break;
      }
      return events;
    };
    const done = Promise.all([collect(first), collect(second)]);
    await Promise.all([store.append('s-1', [{ type: 'E', data: { n: 1 }, metadata: { m: 1 } }]), store.append('s-2', [{ type: 'E', data: { n: 2 } }])]);
    const [a, b] = await done;
    expect(a.map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(b.map((e) => `${e.stream}@${e.position.commit}`)).toEqual(a.map((e) => `${e.stream}@${e.position.commit}`));
    const events = [...a, ...b];
    const withMetadata = events.find((e) => e.stream === 's-1')!;
    expect({ ...withMetadata }).toMatchObject({ data: { n: 1 }, metadata: { m: 1 }, revision: 0n });
    expect(JSON.parse(JSON.stringify({ data: withMetadata.data, metadata: withMetadata.metadata }))).toEqual({ data: { n: 1 }, metadata: { m: 1 } });
    await first.stop();
    await second.stop();
    await store.close();
  });

  it('writes what was appended before close, then lets the process go', async () => {
    const path = tempPath();
    const store = SqliteEventStore.open(path, THREADED);
    const appends = Array.from({ length: 50 }, (_, i) => store.append(`c-${i % 5}`, [{ type: 'E', data: i }]));
    await store.close();
    await expect(Promise.all(appends)).resolves.toHaveLength(50);
    await expect(store.append('c-0', [{ type: 'E', data: 0 }])).rejects.toThrow(/closed/);
    const reopened = SqliteEventStore.open(path, THREADED);
    let n = 0;
    for await (const _ of reopened.readAll()) n++;
    expect(n).toBe(50);
    await reopened.close();
  });
});

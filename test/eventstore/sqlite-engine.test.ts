import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamDeletedError } from '../../src/application/ports/event-store-errors.js';
import { SqliteEventStore } from '../../src/infrastructure/eventstore/sqlite/sqlite-event-store.js';

const dirs: string[] = [];
function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'keytrail-sqlite-'));
  dirs.push(dir);
  return join(dir, 'events.db');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function count(iterable: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const _ of iterable) n++;
  return n;
}

describe('sqlite engine specifics', () => {
  it('an empty log has no head position', async () => {
    const store = SqliteEventStore.open(':memory:');
    expect(await store.headPosition()).toBeNull();
    await store.close();
  });

  it('group commit: an append that fails half-way fails alone, the rest of its batch is written', async () => {
    const store = SqliteEventStore.open(':memory:');
    const taken = randomUUID();
    await store.append('g-0', [{ id: taken, type: 'E', data: {} }]);
    // Same turn of the event loop: one batch. The second append's second event reuses an id.
    const results = await Promise.allSettled([
      store.append('g-1', [{ type: 'E', data: 1 }]),
      store.append('g-2', [{ type: 'E', data: 2 }, { id: taken, type: 'E', data: 3 }]),
      store.append('g-3', [{ type: 'E', data: 4 }]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await count(store.readStream('g-2'))).toBe(0);
    expect(await count(store.readStream('g-1'))).toBe(1);
    expect(await count(store.readAll())).toBe(3);
    await store.close();
  });

  it('group commit: appends to one stream in one batch see each other\'s revisions, and a delete among them', async () => {
    const path = tempPath();
    const store = SqliteEventStore.open(path);
    await store.append('h-1', [{ type: 'E', data: 0 }]);
    // One batch: the stream's row is read once and written once, so every check in between
    // must see what the batch has done so far.
    const results = await Promise.allSettled([
      store.append('h-1', [{ type: 'E', data: 1 }], 0n),
      store.append('h-1', [{ type: 'E', data: 2 }, { type: 'E', data: 3 }], 1n),
      store.append('h-1', [{ type: 'E', data: 'stale' }], 1n),
      store.append('h-2', [{ type: 'E', data: 4 }], 'no_stream'),
      store.append('h-1', [{ type: 'E', data: 5 }], 3n),
      store.deleteStream('h-2', 0n),
      store.append('h-2', [{ type: 'E', data: 6 }]),
      store.append('h-3', [{ type: 'E', data: 7 }], 'stream_exists'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'rejected']);
    expect(results.map((r) => (r.status === 'fulfilled' && r.value !== undefined && 'nextExpectedRevision' in r.value ? r.value.nextExpectedRevision : null))).toEqual([
      1n, 3n, null, 0n, 4n, null, null, null,
    ]);
    await store.close();
    // What the streams table holds once committed: the next appends check against it.
    const reopened = SqliteEventStore.open(path);
    const data = [];
    for await (const e of reopened.readStream('h-1')) data.push(e.data);
    expect(data).toEqual([0, 1, 2, 3, 5]);
    await expect(reopened.append('h-1', [{ type: 'E', data: 6 }], 4n)).resolves.toMatchObject({ nextExpectedRevision: 5n });
    await expect(reopened.append('h-2', [{ type: 'E', data: 8 }])).rejects.toBeInstanceOf(StreamDeletedError);
    await reopened.close();
  });

  it('keeps events across reopening the file, in WAL mode', async () => {
    const path = tempPath();
    const first = SqliteEventStore.open(path);
    await first.append('p-1', [{ type: 'E', data: { a: 1 } }, { type: 'E', data: { a: 2 } }], 'no_stream');
    await first.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    const second = SqliteEventStore.open(path);
    const events = [];
    for await (const e of second.readStream('p-1')) events.push(e.data);
    expect(events).toEqual([{ a: 1 }, { a: 2 }]);
    await expect(second.append('p-1', [{ type: 'E', data: {} }], 1n)).resolves.toMatchObject({ nextExpectedRevision: 2n });
    await second.close();
  });

  it('never reuses a global position after the newest events were deleted', async () => {
    const store = SqliteEventStore.open(':memory:');
    const a = await store.append('d-1', [{ type: 'E', data: {} }]);
    const b = await store.append('d-2', [{ type: 'E', data: {} }]);
    await store.deleteStream('d-2');
    const c = await store.append('d-3', [{ type: 'E', data: {} }]);
    expect(c.position.commit).toBeGreaterThan(b.position.commit);
    expect(b.position.commit).toBeGreaterThan(a.position.commit);
    await store.close();
  });

  it('wakes a live subscription for appends made by another process on the same file', async () => {
    const path = tempPath();
    const reader = SqliteEventStore.open(path, { pollIntervalMs: 20 });
    const writer = SqliteEventStore.open(path);
    const subscription = reader.subscribeToAll();
    const seen: unknown[] = [];
    const done = (async () => {
      for await (const m of subscription) {
        if (m.kind === 'event') seen.push(m.event.data);
        if (seen.length === 2) break;
      }
    })();
    await writer.append('x-1', [{ type: 'E', data: 'one' }]);
    await writer.append('x-1', [{ type: 'E', data: 'two' }]);
    await done;
    expect(seen).toEqual(['one', 'two']);
    await subscription.stop();
    await writer.close();
    await reader.close();
  });

  it.each([
    ['the file', false],
    ['the rows it just wrote', true],
  ])('a filtered subscription reading %s looks through a bounded window per read, with a checkpoint after each', async (_, sameInstance) => {
    // Page size 5: each read looks through at most 50 positions.
    const path = tempPath();
    const writer = SqliteEventStore.open(path, { pageSize: 5 });
    const types = Array.from({ length: 400 }, (_, i) => (i % 97 === 0 ? 'Keep' : 'Skip'));
    await writer.append('w-1', types.map((type, i) => ({ type, data: { i } })));
    const reader = sameInstance ? writer : SqliteEventStore.open(path, { pageSize: 5 });
    const subscription = reader.subscribeToAll({ filter: { eventTypes: ['Keep'] }, checkpoints: true });
    const messages: string[] = [];
    for await (const m of subscription) {
      if (m.kind === 'caughtUp') break;
      messages.push(m.kind === 'event' ? `event ${m.event.position.commit}` : `checkpoint ${m.position.commit}`);
    }
    await subscription.stop();
    await reader.close();
    await writer.close();
    const expected: string[] = [];
    for (let bound = 50; bound <= 400; bound += 50) {
      for (let p = bound - 49; p <= bound; p++) if ((p - 1) % 97 === 0) expected.push(`event ${p}`);
      expected.push(`checkpoint ${bound}`);
    }
    expect(messages).toEqual(expected);
  });

  it('a filtered subscription that is woken by another process covers its events too', async () => {
    const path = tempPath();
    const reader = SqliteEventStore.open(path, { pollIntervalMs: 20 });
    const writer = SqliteEventStore.open(path);
    await writer.append('o-1', [{ type: 'Skip', data: {} }]);
    const subscription = reader.subscribeToAll({ filter: { eventTypes: ['Keep'] }, checkpoints: true });
    const messages: string[] = [];
    let target = 0n;
    const done = (async () => {
      for await (const m of subscription) {
        messages.push(m.kind === 'event' ? `event ${m.event.position.commit}` : m.kind === 'checkpoint' ? `checkpoint ${m.position.commit}` : 'caughtUp');
        if (m.kind === 'caughtUp') {
          const kept = await writer.append('o-1', [{ type: 'Keep', data: {} }]);
          target = (await writer.append('o-1', [{ type: 'Skip', data: {} }])).position.commit;
          expect(kept.position.commit).toBe(2n);
        }
        if (m.kind === 'checkpoint' && target !== 0n && m.position.commit >= target) break;
      }
    })();
    await done;
    await subscription.stop();
    await writer.close();
    await reader.close();
    expect(messages).toEqual(['checkpoint 1', 'caughtUp', 'event 2', 'checkpoint 3']);
  });
});

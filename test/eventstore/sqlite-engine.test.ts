import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
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
});

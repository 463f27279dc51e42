import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteEventStore } from '../../src/infrastructure/eventstore/sqlite/sqlite-event-store.js';
import { CheckpointStore } from '../../projections/runner/checkpoint-store.js';
import { ProjectionFailedError, ProjectionRunner } from '../../projections/runner/projection-runner.js';
import { stagedCounter } from './staged-counter.js';

const counts = (db: Database.Database) =>
  Object.fromEntries((db.prepare('SELECT stream, n FROM staged_counts ORDER BY stream').all() as Array<{ stream: string; n: number }>).map((r) => [r.stream, r.n]));
const hasIndex = (db: Database.Database) => db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'staged_counts_n'").get() !== undefined;

const open: Array<{ close(): unknown }> = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * Read models in a file (a catch-up written on the writer thread once it has loaded, and on
 * this thread before that) or in memory (all written on this one).
 */
function readModels(where: 'file' | 'memory', dir?: string): Database.Database {
  const db = new Database(where === 'memory' ? ':memory:' : join(dir!, 'readmodels.db'));
  if (where === 'file') db.pragma('journal_mode = WAL');
  open.push(db);
  return db;
}

function setup(where: 'file' | 'memory') {
  const dir = mkdtempSync(join(tmpdir(), 'keytrail-staged-'));
  dirs.push(dir);
  const store = SqliteEventStore.open(join(dir, 'events.db'));
  open.push(store);
  return { dir, store, db: readModels(where, dir) };
}

function runner(store: SqliteEventStore, db: Database.Database, batchSize?: number): ProjectionRunner {
  const r = new ProjectionRunner(store, db, stagedCounter, batchSize);
  open.push({ close: () => r.stop() });
  return r;
}

describe.each(['file', 'memory'] as const)('a staged projection, read models in %s', (where) => {
  it('catches up in batches, writes with the checkpoint, runs its caught-up work, and serves read-your-writes', async () => {
    const { store, db } = setup(where);
    for (let i = 0; i < 2500; i++) await store.append(`s-${i % 3}`, [{ type: 'Counted', data: {} }]);
    const ignored = await store.append('s-0', [{ type: 'Ignored', data: {} }]);
    const r = runner(store, db, 100);
    await r.prepare();
    r.start();
    await r.whenLive();
    expect(counts(db)).toEqual({ 's-0': 834, 's-1': 833, 's-2': 833 });
    expect(r.status()).toMatchObject({ state: 'live', eventsApplied: 2500, position: ignored.position });
    expect(new CheckpointStore(db).read('staged-counter')?.position).toEqual(ignored.position);
    expect(hasIndex(db)).toBe(true);

    const written = await store.append('s-9', [{ type: 'Counted', data: {} }]);
    await r.waitFor(written.position);
    // Visible through the runner's own connection once waitFor resolves.
    expect(counts(db)['s-9']).toBe(1);
  });

  it('hands a catch-up begun while the writer thread loads over to it in order, once it has loaded', async () => {
    const { store, db } = setup(where);
    // One event per batch: the catch-up outlasts the thread's loading, so in a file its first
    // batches are written on this thread and the rest on the writer thread.
    for (let i = 0; i < 20; i++) await store.append(`h-${i % 2}`, Array.from({ length: 1000 }, () => ({ type: 'Counted', data: {} })));
    const last = await store.append('h-0', [{ type: 'Counted', data: {} }]);
    const r = runner(store, db, 1);
    r.start();
    await r.whenLive();
    expect(counts(db)).toEqual({ 'h-0': 10001, 'h-1': 10000 });
    expect(new CheckpointStore(db).read('staged-counter')?.position).toEqual(last.position);
    expect(hasIndex(db)).toBe(true);
  });

  it('resumes from its checkpoint without writing any event twice, and rebuilds from zero', async () => {
    const { store, db } = setup(where);
    await store.append('a-1', [{ type: 'Counted', data: {} }, { type: 'Counted', data: {} }]);
    const first = runner(store, db);
    first.start();
    await first.whenLive();
    await first.stop();
    await store.append('a-1', [{ type: 'Counted', data: {} }]);
    const second = runner(store, db);
    second.start();
    await second.whenLive();
    expect(counts(db)).toEqual({ 'a-1': 3 });
    await second.rebuild();
    expect(counts(db)).toEqual({ 'a-1': 3 });
    expect(second.status()).toMatchObject({ state: 'live', eventsApplied: 3 });
  });

  it('stops at an event it cannot stage, reporting it, with nothing of its batch written', async () => {
    const { store, db } = setup(where);
    for (let i = 0; i < 19; i++) await store.append('p-0', [{ type: 'Counted', data: {} }]);
    await store.append('p-1', [{ type: 'Counted', data: {} }]);
    const poison = await store.append('p-1', [{ type: 'Counted', data: { poison: true } }]);
    await store.append('p-1', [{ type: 'Counted', data: {} }]);
    const r = runner(store, db, 1);
    // In a file, the batches before the poison are then on the writer thread.
    await r.prepare();
    r.start();
    const failed = await r.whenLive().then(
      () => null,
      (e: unknown) => e,
    );
    expect(failed).toBeInstanceOf(ProjectionFailedError);
    expect(r.status()).toMatchObject({ state: 'failed', eventsApplied: 20, failure: { position: poison.position, revision: 1n, reason: 'cannot stage poison' } });
    expect(counts(db)).toEqual({ 'p-0': 19, 'p-1': 1 });
  });

  it('stops at the event its writer cannot write, though it came in a batch: the events before it count, the checkpoint stays before it', async () => {
    const { store, db } = setup(where);
    for (let i = 0; i < 19; i++) await store.append('b-0', [{ type: 'Counted', data: {} }]);
    const good = await store.append('b-1', [{ type: 'Counted', data: {} }]);
    const broken = await store.append('b-1', [{ type: 'Counted', data: { broken: true } }]);
    await store.append('b-1', [{ type: 'Counted', data: {} }]);
    // All 22 events in one batch: the writer fails the batch, and the runner finds the event.
    const r = runner(store, db, 50);
    await r.prepare();
    r.start();
    await expect(r.whenLive()).rejects.toBeInstanceOf(ProjectionFailedError);
    expect(r.status().failure).toMatchObject({ position: broken.position, reason: expect.stringContaining('no_such_table') });
    await expect(r.waitFor(broken.position)).rejects.toBeInstanceOf(ProjectionFailedError);
    expect(counts(db)).toEqual({ 'b-0': 19, 'b-1': 1 });
    expect(new CheckpointStore(db).read('staged-counter')?.position).toEqual(good.position);
  });
});

describe('a staged projection shared by two processes', () => {
  it('two runners on one read-model file never write an event twice', async () => {
    const { dir, store, db } = setup('file');
    const other = readModels('file', dir);
    for (let i = 0; i < 1200; i++) await store.append(`t-${i % 4}`, [{ type: 'Counted', data: {} }]);
    const a = runner(store, db, 50);
    const b = runner(store, other, 50);
    a.start();
    b.start();
    await Promise.all([a.whenLive(), b.whenLive()]);
    for (let i = 0; i < 200; i++) await store.append(`t-${i % 4}`, [{ type: 'Counted', data: {} }]);
    const last = await store.append('t-0', [{ type: 'Counted', data: {} }]);
    await Promise.all([a.waitFor(last.position), b.waitFor(last.position)]);
    expect(counts(db)).toEqual({ 't-0': 351, 't-1': 350, 't-2': 350, 't-3': 350 });
  });
});

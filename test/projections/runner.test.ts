import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedEvent, SubscribeToAllOptions } from '../../src/application/ports/event-store.js';
import { SqliteEventStore } from '../../src/infrastructure/eventstore/sqlite/sqlite-event-store.js';
import { CheckpointStore } from '../../projections/runner/checkpoint-store.js';
import type { AppliedProjection, Projection } from '../../projections/runner/projection.js';
import { ProjectionGroup } from '../../projections/runner/projection-group.js';
import { ProjectionFailedError, ProjectionRunner } from '../../projections/runner/projection-runner.js';

/** Counts events per stream; refuses events whose data says `poison`. */
function counter(version = 1, poisonOk = false): AppliedProjection {
  return {
    name: 'counter',
    version,
    eventTypes: new Set(['Counted']),
    migrate: (db) => db.exec('CREATE TABLE IF NOT EXISTS counts (stream TEXT PRIMARY KEY, n INTEGER NOT NULL)'),
    reset: (db) => db.exec('DELETE FROM counts'),
    apply(event: RecordedEvent, db) {
      if ((event.data as { poison?: boolean }).poison && !poisonOk) throw new Error('cannot count poison');
      db.prepare('INSERT INTO counts (stream, n) VALUES (?, 1) ON CONFLICT (stream) DO UPDATE SET n = n + 1').run(event.stream);
    },
  };
}

const counts = (db: Database.Database) =>
  Object.fromEntries((db.prepare('SELECT stream, n FROM counts ORDER BY stream').all() as Array<{ stream: string; n: number }>).map((r) => [r.stream, r.n]));

const open: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

function setup() {
  const store = SqliteEventStore.open(':memory:');
  const db = new Database(':memory:');
  open.push(store, db);
  return { store, db };
}

describe('projection runner', () => {
  it('catches up, goes live, and serves read-your-writes by position', async () => {
    const { store, db } = setup();
    for (let i = 0; i < 2500; i++) await store.append(`s-${i % 3}`, [{ type: 'Counted', data: {} }]);
    const ignored = await store.append('s-0', [{ type: 'Ignored', data: {} }]);
    const runner = new ProjectionRunner(store, db, counter());
    open.push({ close: () => runner.stop() });
    runner.start();
    await runner.whenLive();
    expect(counts(db)).toEqual({ 's-0': 834, 's-1': 833, 's-2': 833 });
    // The event it does not apply is never handed to it, yet its checkpoint moves past it.
    expect(runner.status()).toMatchObject({ state: 'live', eventsApplied: 2500, position: ignored.position });

    const written = await store.append('s-9', [{ type: 'Counted', data: {} }]);
    await runner.waitFor(written.position);
    expect(counts(db)['s-9']).toBe(1);
  });

  /** A counter runner, live after one event it applies. */
  async function liveAfterOneCounted() {
    const { store, db } = setup();
    await store.append('s-1', [{ type: 'Counted', data: {} }]);
    const runner = new ProjectionRunner(store, db, counter());
    open.push({ close: () => runner.stop() });
    runner.start();
    await runner.whenLive();
    return { store, db, runner };
  }

  it('read-your-writes: waiting for the position of an event it does not apply resolves', async () => {
    const { store, db, runner } = await liveAfterOneCounted();
    const ignored = await store.append('s-1', [{ type: 'Ignored', data: {} }]);
    await runner.waitFor(ignored.position);
    expect(runner.status()).toMatchObject({ position: ignored.position, eventsApplied: 1 });
    // A position only passed over is written with the next events, after a run of such batches, or at the stop.
    expect(new CheckpointStore(db).read('counter')?.position).not.toEqual(ignored.position);
    await runner.stop();
    expect(new CheckpointStore(db).read('counter')?.position).toEqual(ignored.position);
    expect(counts(db)).toEqual({ 's-1': 1 });
  });

  it('writes a checkpoint that only passed over events after a run of 64 such batches, without being stopped', async () => {
    const { store, db, runner } = await liveAfterOneCounted();
    const stored = () => new CheckpointStore(db).read('counter')?.position;
    const before = stored();
    for (let i = 1; i <= 64; i++) {
      // Each append is woken on its own, so each is one batch of passed-over positions.
      const ignored = await store.append('s-1', [{ type: 'Ignored', data: {} }]);
      await runner.waitFor(ignored.position);
      expect(runner.status().position).toEqual(ignored.position);
      expect(stored(), `after ${i} batches`).toEqual(i < 64 ? before : ignored.position);
    }
    expect(runner.status()).toMatchObject({ state: 'live', eventsApplied: 1 });
  });

  it('resumes from a checkpoint that passed over events it does not apply, without reading them again', async () => {
    const { store, db } = setup();
    await store.append('a-1', [{ type: 'Counted', data: {} }]);
    let last = await store.append('b-1', [{ type: 'Ignored', data: {} }]);
    for (let i = 0; i < 30; i++) last = await store.append('b-1', [{ type: 'Ignored', data: {} }]);
    const first = new ProjectionRunner(store, db, counter());
    first.start();
    await first.whenLive();
    await first.stop();
    // The checkpoint came from the subscription's checkpoint message: no event was applied after the first.
    expect(new CheckpointStore(db).read('counter')?.position).toEqual(last.position);

    await store.append('a-1', [{ type: 'Counted', data: {} }]);
    const from: unknown[] = [];
    const watched = new Proxy(store, {
      get(target, property, receiver) {
        if (property !== 'subscribeToAll') return Reflect.get(target, property, receiver) as unknown;
        return (options: SubscribeToAllOptions) => {
          from.push(options.fromPosition);
          return target.subscribeToAll(options);
        };
      },
    });
    const applied: string[] = [];
    const recording: Projection = { ...counter(), apply: (event, d) => (applied.push(event.type), counter().apply(event, d)) };
    const second = new ProjectionRunner(watched, db, recording);
    second.start();
    await second.whenLive();
    await second.stop();
    expect(from).toEqual([last.position]);
    expect(applied).toEqual(['Counted']);
    expect(counts(db)).toEqual({ 'a-1': 2 });
  });

  it('resumes from its checkpoint without applying any event twice', async () => {
    const { store, db } = setup();
    await store.append('a-1', [{ type: 'Counted', data: {} }, { type: 'Counted', data: {} }]);
    const first = new ProjectionRunner(store, db, counter());
    first.start();
    await first.whenLive();
    await first.stop();
    await store.append('a-1', [{ type: 'Counted', data: {} }]);
    const second = new ProjectionRunner(store, db, counter());
    second.start();
    await second.whenLive();
    expect(counts(db)).toEqual({ 'a-1': 3 });
    await second.stop();
  });

  it('stops at an event it cannot apply, reports it, and never skips it', async () => {
    const { store, db } = setup();
    await store.append('p-1', [{ type: 'Counted', data: {} }]);
    const poison = await store.append('p-2', [{ type: 'Counted', data: { poison: true } }]);
    await store.append('p-3', [{ type: 'Counted', data: {} }]);
    const runner = new ProjectionRunner(store, db, counter(), 1);
    runner.start();
    await expect(runner.whenLive()).rejects.toBeInstanceOf(ProjectionFailedError);
    const status = runner.status();
    expect(status.state).toBe('failed');
    expect(status.failure).toMatchObject({ stream: 'p-2', revision: 0n, type: 'Counted', reason: 'cannot count poison' });
    expect(status.failure!.position).toEqual(poison.position);
    expect(counts(db)).toEqual({ 'p-1': 1 });
    await expect(runner.waitFor(poison.position)).rejects.toThrow(/p-2@0/);
    await runner.stop();

    // Fixed code resumes at the failed event itself.
    const fixed = new ProjectionRunner(store, db, counter(1, true), 1);
    fixed.start();
    await fixed.whenLive();
    expect(counts(db)).toEqual({ 'p-1': 1, 'p-2': 1, 'p-3': 1 });
    await fixed.stop();
  });

  it('ends every batch, committed or rolled back, so a projection forgets what it read', async () => {
    const { store, db } = setup();
    await store.append('a-1', [{ type: 'Counted', data: {} }]);
    let ended = 0;
    const projection: Projection = { ...counter(), endBatch: () => void ended++ };
    const runner = new ProjectionRunner(store, db, projection);
    open.push({ close: () => runner.stop() });
    runner.start();
    await runner.whenLive();
    expect(ended).toBe(1);
    await store.append('a-1', [{ type: 'Counted', data: { poison: true } }]);
    await expect(runner.waitFor((await store.append('a-2', [{ type: 'Counted', data: {} }])).position)).rejects.toThrow(ProjectionFailedError);
    expect(runner.status().state).toBe('failed');
    expect(ended).toBe(2);
  });

  it('rebuilds from zero to the same read model, and on a version change', async () => {
    const { store, db } = setup();
    for (let i = 0; i < 50; i++) await store.append(`r-${i % 5}`, [{ type: 'Counted', data: {} }]);
    const runner = new ProjectionRunner(store, db, counter());
    runner.start();
    await runner.whenLive();
    const before = counts(db);
    const seen: bigint[] = [];
    await runner.rebuild((p) => seen.push(p.commit));
    expect(counts(db)).toEqual(before);
    expect(seen.at(-1)).toBe(50n);
    await runner.stop();

    const upgraded = new ProjectionRunner(store, db, counter(2));
    upgraded.start();
    await upgraded.whenLive();
    expect(counts(db)).toEqual(before);
    expect(upgraded.status().eventsApplied).toBe(50);
    await upgraded.stop();
  });
});

describe('projection runner, two processes on one read-model file', () => {
  it('applies every event exactly once when two runners share the read model', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'keytrail-runner-'));
    const store = SqliteEventStore.open(join(dir, 'events.db'));
    const first = new Database(join(dir, 'readmodels.db'));
    const second = new Database(join(dir, 'readmodels.db'));
    first.pragma('journal_mode = WAL');
    try {
      for (let i = 0; i < 300; i++) await store.append(`two-${i % 4}`, [{ type: 'Counted', data: {} }]);
      const a = new ProjectionRunner(store, first, counter(), 7);
      const b = new ProjectionRunner(store, second, counter(), 5);
      a.start();
      b.start();
      await Promise.all([a.whenLive(), b.whenLive()]);
      let last = null;
      for (let i = 0; i < 100; i++) last = await store.append(`two-${i % 4}`, [{ type: 'Counted', data: {} }]);
      await Promise.all([a.waitFor(last!.position), b.waitFor(last!.position)]);
      await a.stop();
      await b.stop();
      expect(counts(first)).toEqual({ 'two-0': 100, 'two-1': 100, 'two-2': 100, 'two-3': 100 });
    } finally {
      await store.close();
      first.close();
      second.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('projection group barriers', () => {
  it('waits for the head of the log, or only for the newest event of the streams asked about', async () => {
    const { store, db } = setup();
    await store.append('s-1', [{ type: 'Counted', data: {} }]);
    const last = await store.append('s-2', [{ type: 'Counted', data: {} }]);
    // As another node would see it: the log's head lies beyond anything this node's runner will read.
    const ahead = { commit: last.position.commit + 1000n, prepare: last.position.prepare + 1000n };
    const seenFromAfar = new Proxy(store, {
      get(target, property, receiver) {
        if (property !== 'headPosition') return Reflect.get(target, property, receiver);
        return async (stream?: string) => (stream === undefined ? ahead : target.headPosition(stream));
      },
    });
    const group = new ProjectionGroup(seenFromAfar, db, [counter()]);
    open.push({ close: () => group.stop() });

    await group.catchUp(undefined, ['s-1', 's-2', 'never-written']);
    expect(counts(db)).toEqual({ 's-1': 1, 's-2': 1 });
    let settled = false;
    const whole = group.catchUp().then(
      () => (settled = true),
      () => (settled = true),
    );
    // The runner has read all there is: the whole-log barrier still waits for the head it was told of.
    await group.projectionRunners[0]!.whenLive();
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    await group.stop();
    await whole;
  });
});

import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { dropRetiredReadModels } from '../../../projections/kms-read-side/read-model-database.js';
import { CheckpointStore } from '../../../projections/runner/checkpoint-store.js';
import { migrateVersionTables, versionTableDdl, VersionWriter, type EventCite, type VersionTableSpec } from '../../../projections/temporal/version-table.js';

const SPEC: VersionTableSpec = { table: 'tt_things', entity: ['thing_id'], columns: ['colour'], changesQueried: false };

const cite = (n: number): EventCite => ({
  time: `2030-01-01T00:00:${String(n).padStart(2, '0')}.000Z`,
  commit: BigInt(n),
  prepare: BigInt(n),
  stream: 'thing-1',
  revision: BigInt(n),
  type: 'ThingPainted',
  eventId: `e${n}`,
});

function setup() {
  const db = new Database(':memory:');
  db.exec(versionTableDdl(SPEC));
  const versions = () =>
    db.prepare('SELECT colour, from_commit, to_commit FROM tt_things ORDER BY from_commit').all() as Array<{ colour: string; from_commit: number; to_commit: number | null }>;
  return { db, versions };
}

describe('version writer', () => {
  it('chains versions within a batch, closing each by the next', () => {
    const { db, versions } = setup();
    const w = new VersionWriter(db, SPEC);
    db.transaction(() => {
      w.open({ thing_id: 't' }, { colour: 'red' }, cite(1));
      w.open({ thing_id: 't' }, { colour: 'blue' }, cite(2));
      expect(w.current({ thing_id: 't' })).toMatchObject({ colour: 'blue', from_time: cite(2).time, to_commit: null });
      expect(w.close({ thing_id: 't' }, cite(3))).toBe(true);
      expect(w.close({ thing_id: 't' }, cite(4))).toBe(false);
    })();
    w.forget();
    expect(versions()).toEqual([
      { colour: 'red', from_commit: 1, to_commit: 2 },
      { colour: 'blue', from_commit: 2, to_commit: 3 },
    ]);
  });

  it('after a rolled-back batch, reads the table again rather than what the batch wrote', () => {
    const { db, versions } = setup();
    const w = new VersionWriter(db, SPEC);
    db.transaction(() => w.open({ thing_id: 't' }, { colour: 'red' }, cite(1)))();
    w.forget();
    expect(() =>
      db.transaction(() => {
        w.open({ thing_id: 't' }, { colour: 'blue' }, cite(2));
        throw new Error('the batch fails');
      })(),
    ).toThrow('the batch fails');
    w.forget();
    expect(w.current({ thing_id: 't' })).toMatchObject({ colour: 'red', to_commit: null });
    db.transaction(() => w.open({ thing_id: 't' }, { colour: 'green' }, cite(3)))();
    expect(versions()).toEqual([
      { colour: 'red', from_commit: 1, to_commit: 3 },
      { colour: 'green', from_commit: 3, to_commit: null },
    ]);
  });

  it('after forgetting, sees versions another writer opened in between', () => {
    const { db, versions } = setup();
    const mine = new VersionWriter(db, SPEC);
    const theirs = new VersionWriter(db, SPEC);
    db.transaction(() => expect(mine.current({ thing_id: 't' })).toBeUndefined())();
    mine.forget();
    db.transaction(() => theirs.open({ thing_id: 't' }, { colour: 'red' }, cite(1)))();
    db.transaction(() => mine.open({ thing_id: 't' }, { colour: 'blue' }, cite(2)))();
    expect(versions()).toEqual([
      { colour: 'red', from_commit: 1, to_commit: 2 },
      { colour: 'blue', from_commit: 2, to_commit: null },
    ]);
  });
});

describe('version table migration', () => {
  it('keeps a table whose columns are its spec\'s, and drops one made for other columns', () => {
    const db = new Database(':memory:');
    const checkpoints = new CheckpointStore(db);
    migrateVersionTables(db, [SPEC], 'things');
    const w = new VersionWriter(db, SPEC);
    w.open({ thing_id: 't' }, { colour: 'red' }, cite(1));
    checkpoints.write('things', { version: 1, position: { commit: 1n, prepare: 1n } });
    migrateVersionTables(db, [SPEC], 'things');
    expect(db.prepare('SELECT count(*) AS n FROM tt_things').get()).toEqual({ n: 1 });
    expect(checkpoints.read('things')).not.toBeNull();

    const wider: VersionTableSpec = { ...SPEC, columns: ['colour', 'shade'] };
    migrateVersionTables(db, [wider], 'things');
    expect(db.prepare('SELECT count(*) AS n FROM tt_things').get()).toEqual({ n: 0 });
    // Rebuilt from zero, even by a projection whose version stayed the same.
    expect(checkpoints.read('things')).toBeNull();
    expect((db.prepare("SELECT name FROM pragma_table_info('tt_things')").all() as { name: string }[]).map((c) => c.name)).toContain('shade');
    db.close();
  });
});

describe('read models given up', () => {
  it('are dropped with their checkpoints when the read-model database opens', () => {
    const db = new Database(':memory:');
    const checkpoints = new CheckpointStore(db);
    db.exec('CREATE TABLE kms_key_directory (key_id TEXT); CREATE TABLE kms_grant_keys (key_id TEXT);');
    checkpoints.write('kms-key-directory', { version: 1, position: null });
    checkpoints.write('temporal-keys', { version: 3, position: null });
    dropRetiredReadModels(db);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
    expect(tables).not.toContain('kms_key_directory');
    expect(tables).not.toContain('kms_grant_keys');
    expect(checkpoints.read('kms-key-directory')).toBeNull();
    expect(checkpoints.read('temporal-keys')).not.toBeNull();
    db.close();
  });
});

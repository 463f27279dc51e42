import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectionRunner } from '../../../projections/runner/projection-runner.js';
import { keyUsageProjection } from '../../../projections/temporal/key-usage-projection.js';
import { eventMetadata } from '../../../src/application/event-metadata.js';
import { SqliteEventStore } from '../../../src/infrastructure/eventstore/sqlite/sqlite-event-store.js';
import { testCallContext } from '../../support/call-context.js';
import { at, scriptedHistory, type ScriptedHistory } from '../../application/audit/support/scripted-history.js';

const indexesOf = (db: Database.Database): string[] =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'tt_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);

const planOf = (db: Database.Database, sql: string): string =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('k') as { detail: string }[]).map((r) => r.detail).join('; ');

/** Indexes that only queries use, which a rebuild makes once it has caught up. */
const QUERY_INDEXES = ['tt_key_usage_key_time', 'tt_grants_t1', 'tt_keys_t1', 'tt_keys_from_time', 'tt_aliases_t1', 'tt_principals_t1', 'tt_access_keys_t2'];

describe('the query indexes of the temporal read models', () => {
  let h: ScriptedHistory;
  beforeAll(async () => {
    h = await scriptedHistory();
  });
  afterAll(async () => {
    await h.close();
  });

  it('exist once the projections have caught up, and queries use them', async () => {
    await h.queries.whoDidUse(h.k1.keyId);
    for (const runner of h.readSide.projectionRunners) await runner.whenLive();
    expect(indexesOf(h.kms.db)).toEqual(expect.arrayContaining(QUERY_INDEXES));
    expect(planOf(h.kms.db, 'SELECT * FROM tt_key_usage WHERE key_id = ? ORDER BY time')).toContain('tt_key_usage_key_time');
    expect(planOf(h.kms.db, 'SELECT * FROM tt_grants WHERE grantee_principal = ?')).toContain('tt_grants_t1');
  });

  it('are made again when a rebuild stopped before making them, and the answers do not change', async () => {
    const before = [await h.queries.whoDidUse(h.k1.keyId), await h.queries.keyAsOf(h.k1.keyId, { asOf: { time: at(45) } })];
    await h.readSide.stop();
    // What a rebuild that stopped after its last event, before catching up, leaves behind.
    for (const index of QUERY_INDEXES) h.kms.db.exec(`DROP INDEX ${index}`);
    h.readSide.start();
    for (const runner of h.readSide.projectionRunners) await runner.whenLive();
    expect(indexesOf(h.kms.db)).toEqual(expect.arrayContaining(QUERY_INDEXES));
    expect([await h.queries.whoDidUse(h.k1.keyId), await h.queries.keyAsOf(h.k1.keyId, { asOf: { time: at(45) } })]).toEqual(before);
  });

  it('are dropped while a rebuild writes its rows', () => {
    const db = new Database(':memory:');
    keyUsageProjection.migrate(db);
    keyUsageProjection.caughtUp!(db);
    expect(indexesOf(db)).toContain('tt_key_usage_key_time');
    keyUsageProjection.reset(db);
    expect(indexesOf(db)).not.toContain('tt_key_usage_key_time');
    db.close();
  });
});

describe('key usage', () => {
  it('counts a change that wrote several events once, even when its events fall in different batches', async () => {
    const store = SqliteEventStore.open(':memory:');
    const db = new Database(':memory:');
    const create = eventMetadata({ ...testCallContext('CreateKey'), eventId: 'call-create' }, 1);
    const disable = eventMetadata({ ...testCallContext('DisableKey'), eventId: 'call-disable', time: '2026-03-03T14:01:00Z' }, 1);
    await store.append('kmskey-k', [
      { type: 'KeyCreated', data: { keyId: 'k' }, metadata: create },
      { type: 'PolicyPut', data: { keyId: 'k' }, metadata: create },
    ]);
    await store.append('kmskey-k', [{ type: 'KeyDisabled', data: { keyId: 'k' }, metadata: disable }]);
    // One event per transaction: the second event of CreateKey finds the first in the table.
    const runner = new ProjectionRunner(store, db, keyUsageProjection, 1);
    await runner.rebuild();
    const rows = () => db.prepare('SELECT operation, event_type, revision FROM tt_key_usage ORDER BY commit_pos').all();
    expect(rows()).toEqual([
      { operation: 'CreateKey', event_type: 'KeyCreated', revision: 0 },
      { operation: 'DisableKey', event_type: 'KeyDisabled', revision: 2 },
    ]);
    await runner.rebuild();
    expect(rows()).toHaveLength(2);
    await runner.stop();
    await store.close();
    db.close();
  });

  it('writes the same rows, in log order, whether a batch holds one call or hundreds', async () => {
    const store = SqliteEventStore.open(':memory:');
    const arn = 'arn:aws:kms:eu-west-1:111122223333:key/k';
    const calls = Array.from({ length: 150 }, (_, i) => ({
      type: 'KmsCallRecorded',
      data: { operation: i % 2 ? 'Encrypt' : 'Decrypt', requestParameters: { keyId: arn, encryptionContext: { n: `${i}` } }, errorCode: null, errorMessage: null, resources: [{ ARN: arn }] },
      metadata: eventMetadata({ ...testCallContext('Encrypt'), eventId: `call-${i}` }, 1),
    }));
    await store.append('kmscall-a', calls.slice(0, 100));
    await store.append('kmscall-b', calls.slice(100));
    const rowsWith = async (batchSize: number) => {
      const db = new Database(':memory:');
      const runner = new ProjectionRunner(store, db, keyUsageProjection, batchSize);
      await runner.rebuild();
      await runner.stop();
      const rows = db.prepare('SELECT rowid, * FROM tt_key_usage_rows ORDER BY rowid').all();
      db.close();
      return rows;
    };
    const one = await rowsWith(1);
    expect(one).toHaveLength(150);
    expect(one.map((r) => (r as { encryption_context: string }).encryption_context)).toEqual(calls.map((c) => JSON.stringify({ encryptionContext: c.data.requestParameters.encryptionContext })));
    expect(await rowsWith(1000)).toEqual(one);
    expect(await rowsWith(70)).toEqual(one);
    await store.close();
  });
});

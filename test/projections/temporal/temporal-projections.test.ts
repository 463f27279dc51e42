import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectionFailedError, ProjectionRunner } from '../../../projections/runner/projection-runner.js';
import { keyHistoryProjection } from '../../../projections/temporal/key-history-projection.js';
import { SqliteEventStore } from '../../../src/infrastructure/eventstore/sqlite/sqlite-event-store.js';
import { testCallContext } from '../../support/call-context.js';
import { eventMetadata } from '../../../src/application/event-metadata.js';
import { ALICE, at, BOB, CAROL, DELETED_AT, scriptedHistory, type ScriptedHistory } from '../../application/audit/support/scripted-history.js';

describe('the temporal read models after a rebuild', () => {
  let h: ScriptedHistory;
  beforeAll(async () => {
    h = await scriptedHistory();
  });
  afterAll(async () => {
    await h.close();
  });

  /** Many questions at many instants, including the instants of the changes themselves. */
  async function answers(): Promise<unknown[]> {
    const out: unknown[] = [];
    const instants = [0, 10, 20, 29, 30, 40, 45, 50, 60, 70, 80, 90, 100, 110].map(at).concat([DELETED_AT]);
    for (const time of instants) {
      out.push(await h.queries.keyAsOf(h.k1.keyId, { asOf: { time } }));
      out.push(await h.queries.whoCouldUse(h.k1.keyId, { asOf: { time } }));
      out.push(await h.queries.keysUsableBy(BOB.arn, { asOf: { time } }));
    }
    for (const p of [ALICE, BOB, CAROL]) out.push(await h.queries.whenCouldUse(p.arn, h.k1.keyId));
    out.push(await h.queries.whoDidUse(h.k1.keyId));
    out.push(await h.queries.accessChanges(null, { after: { time: at(5) }, until: { time: DELETED_AT } }));
    return out;
  }

  it('gives the same answers as before the rebuild', async () => {
    const before = await answers();
    for (const runner of h.readSide.projectionRunners) await runner.rebuild();
    expect(await answers()).toEqual(before);
  });

  it('never copies a secret: no wrapped material, no wrapped secret access key', async () => {
    const dump = JSON.stringify(
      (h.kms.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'tt_%'").all() as { name: string }[]).map(({ name }) => h.kms.db.prepare(`SELECT * FROM ${name}`).all()),
    );
    const secrets = (await h.kms.events((e) => e.type === 'BackingKeyGenerated' || e.type === 'AccessKeyCreated')).map(
      (e) => (e.data as { wrappedMaterial?: string; wrappedSecret?: string }).wrappedMaterial ?? (e.data as { wrappedSecret?: string }).wrappedSecret,
    );
    expect(secrets.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(dump).not.toContain(secret);
  });
});

describe('a temporal projection that cannot apply an event', () => {
  it('stops there and reports the event\'s position and the reason', async () => {
    const store = SqliteEventStore.open(':memory:');
    const db = new Database(':memory:');
    const metadata = eventMetadata(testCallContext('EnableKey'), 1);
    await store.append('other-1', [{ type: 'Unrelated', data: {} }]);
    const orphan = await store.append('kmskey-orphan', [{ type: 'KeyEnabled', data: { keyId: 'orphan' }, metadata }]);
    const runner = new ProjectionRunner(store, db, keyHistoryProjection);
    runner.start();
    await expect(runner.whenLive()).rejects.toBeInstanceOf(ProjectionFailedError);
    expect(runner.status().failure).toEqual({
      position: orphan.position,
      stream: 'kmskey-orphan',
      revision: 0n,
      type: 'KeyEnabled',
      reason: 'KeyEnabled for key orphan, which has no open version',
    });
    await runner.stop();
    await store.close();
    db.close();
  });
});

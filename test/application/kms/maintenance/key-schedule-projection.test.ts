import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DUE_SQL } from '../../../../projections/key-schedule/key-schedule-queries.js';
import type { ScheduledAction } from '../../../../src/application/kms/maintenance/key-schedule.js';
import { ROOT_A, START_TIME } from '../support/kms-fixture.js';
import { MaintenanceFixture, plusDays, plusMs } from './support/maintenance-fixture.js';

describe('the key schedule read model', () => {
  let kms: MaintenanceFixture;
  beforeEach(() => {
    kms = new MaintenanceFixture();
  });
  afterEach(async () => {
    await kms.close();
  });

  async function at(day: number, run: () => Promise<unknown>): Promise<void> {
    kms.time = plusDays(START_TIME, day).toISOString();
    await run();
  }

  it('follows rotation and deletion dates through a key\'s life', async () => {
    const { keyId } = await kms.createKey();
    const entry = async () => {
      await kms.schedule.catchUp();
      return kms.schedule.scheduleOf(keyId);
    };
    expect(await entry()).toMatchObject({ keyState: 'Enabled', nextRotationDate: null, deletionDate: null, deletedDate: null });
    await at(1, () => kms.invoke(ROOT_A, 'EnableKeyRotation', { KeyId: keyId, RotationPeriodInDays: 100 }));
    expect((await entry())?.nextRotationDate).toBe(plusDays(START_TIME, 101).toISOString());
    // On demand rotations leave the automatic schedule alone.
    await at(2, () => kms.invoke(ROOT_A, 'RotateKeyOnDemand', { KeyId: keyId }));
    expect((await entry())?.nextRotationDate).toBe(plusDays(START_TIME, 101).toISOString());
    await at(3, () => kms.invoke(ROOT_A, 'ScheduleKeyDeletion', { KeyId: keyId, PendingWindowInDays: 7 }));
    expect(await entry()).toMatchObject({ keyState: 'PendingDeletion', deletionDate: plusDays(START_TIME, 10).toISOString() });
    await at(4, () => kms.invoke(ROOT_A, 'CancelKeyDeletion', { KeyId: keyId }));
    expect(await entry()).toMatchObject({ keyState: 'Disabled', deletionDate: null, nextRotationDate: plusDays(START_TIME, 101).toISOString() });
    await at(5, () => kms.invoke(ROOT_A, 'EnableKey', { KeyId: keyId }));
    await at(5, () => kms.invoke(ROOT_A, 'DisableKeyRotation', { KeyId: keyId }));
    expect(await entry()).toMatchObject({ keyState: 'Enabled', nextRotationDate: null });

    // Every change is a version of its own, valid until the next: the schedule keeps its history.
    const versions = kms.db
      .prepare('SELECT key_state, next_rotation_ms, deletion_ms, from_time, to_time FROM tt_key_schedule WHERE key_id = ? ORDER BY from_commit')
      .all(keyId) as { key_state: string; next_rotation_ms: number | null; deletion_ms: number | null; from_time: string; to_time: string | null }[];
    expect(versions.map((v) => v.key_state)).toEqual(['Enabled', 'Enabled', 'PendingDeletion', 'Disabled', 'Enabled', 'Enabled']);
    expect(versions[2]).toMatchObject({ deletion_ms: plusDays(START_TIME, 10).getTime(), from_time: plusDays(START_TIME, 3).toISOString(), to_time: plusDays(START_TIME, 4).toISOString() });
    expect(versions.slice(0, -1).every((v) => v.to_time !== null) && versions.at(-1)!.to_time === null).toBe(true);
    // And answers as of any instant of it.
    expect(kms.schedule.scheduleOf(keyId, { time: plusDays(START_TIME, 3).toISOString() })).toMatchObject({ keyState: 'PendingDeletion' });
    expect(kms.schedule.scheduleOf(keyId, { time: plusDays(START_TIME, 4).toISOString() })).toMatchObject({ keyState: 'Disabled', deletionDate: null });
    expect(kms.schedule.scheduleOf(keyId, { time: plusDays(START_TIME, -1).toISOString() })).toBeNull();
    const pending = { time: plusDays(START_TIME, 3).toISOString() };
    expect(kms.schedule.due('deletion', plusDays(START_TIME, 10), 10, null, pending).map((d) => d.keyId)).toEqual([keyId]);
    expect(kms.schedule.due('deletion', plusDays(START_TIME, 10), 10, null)).toEqual([]);
  });

  it('answers "due at T" by date, oldest first, page after page, and only for what is due', async () => {
    const periods = [120, 90, 200, 90];
    const keys: string[] = [];
    for (const period of periods) {
      const { keyId } = await kms.createKey();
      await kms.invoke(ROOT_A, 'EnableKeyRotation', { KeyId: keyId, RotationPeriodInDays: period });
      keys.push(keyId);
    }
    const doomed = await kms.createKey();
    await kms.invoke(ROOT_A, 'ScheduleKeyDeletion', { KeyId: doomed.keyId, PendingWindowInDays: 30 });
    await kms.schedule.catchUp();

    const day120 = plusDays(START_TIME, 120);
    const byDate = [...keys.slice(0, 2), keys[3]!]
      .map((keyId, i) => ({ keyId, dueAt: plusDays(START_TIME, [120, 90, 90][i]!).toISOString() }))
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.keyId.localeCompare(b.keyId));
    const all = kms.schedule.due('rotation', day120, 10, null);
    expect(all.map((d) => ({ keyId: d.keyId, dueAt: d.dueAt }))).toEqual(byDate);

    const first = kms.schedule.due('rotation', day120, 2, null);
    const rest = kms.schedule.due('rotation', day120, 2, first[first.length - 1]!);
    expect([...first, ...rest]).toEqual(all);

    expect(kms.schedule.due('rotation', plusMs(plusDays(START_TIME, 90).toISOString(), -1), 10, null)).toEqual([]);
    expect(kms.schedule.due('deletion', day120, 10, null).map((d) => d.keyId)).toEqual([doomed.keyId]);
    expect(kms.schedule.due('deletion', plusDays(START_TIME, 29), 10, null)).toEqual([]);
  });

  it('reads due keys through the date indexes', () => {
    const db = kms.db;
    void kms.schedule;
    const plan = (action: ScheduledAction, afterMs: number | null) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${DUE_SQL[action]('now')}`).all({ until: Date.parse(START_TIME), afterMs, afterKey: '', limit: 10 }) as { detail: string }[])
        .map((r) => r.detail)
        .join('\n');
    for (const afterMs of [null, Date.parse(START_TIME)]) {
      expect(plan('rotation', afterMs)).toContain('USING INDEX tt_key_schedule_rotation');
      expect(plan('deletion', afterMs)).toContain('USING INDEX tt_key_schedule_deletion');
    }
  });

  it('rebuilds the same schedule from the log', async () => {
    const a = await kms.createKey();
    await kms.invoke(ROOT_A, 'EnableKeyRotation', { KeyId: a.keyId });
    const b = await kms.createKey();
    await kms.invoke(ROOT_A, 'ScheduleKeyDeletion', { KeyId: b.keyId });
    await kms.maintenance.runDue(plusDays(START_TIME, 365));
    await kms.schedule.catchUp();
    const before = [kms.schedule.scheduleOf(a.keyId), kms.schedule.scheduleOf(b.keyId)];
    expect(before[0]?.nextRotationDate).toBe(plusDays(START_TIME, 730).toISOString());
    expect(before[1]).toBeNull();
    await kms.schedule.runner.rebuild();
    expect([kms.schedule.scheduleOf(a.keyId), kms.schedule.scheduleOf(b.keyId)]).toEqual(before);
  });
});

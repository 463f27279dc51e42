import type Database from 'better-sqlite3';
import type { DueKey, DueKeyCursor, KeyScheduleEntry, KeyScheduleState, ScheduledAction } from '../../src/application/kms/maintenance/key-schedule.js';

interface DueRow {
  key_id: string;
  account_id: string;
  region: string;
  due_ms: number;
}

interface EntryRow {
  key_id: string;
  account_id: string;
  region: string;
  key_state: KeyScheduleState;
  next_rotation_ms: number | null;
  deletion_ms: number | null;
  deleted_ms: number | null;
}

export type DueParams = { until: number; afterMs: number | null; afterKey: string; limit: number };

/**
 * "Which keys are due at T": each WHERE repeats its partial index's condition word for
 * word, which is what lets SQLite use the index, then scans it from the cursor up to T.
 */
export const DUE_SQL: Readonly<Record<ScheduledAction, string>> = {
  rotation: `SELECT key_id, account_id, region, next_rotation_ms AS due_ms FROM tt_key_schedule
    WHERE to_commit IS NULL AND key_state = 'Enabled' AND next_rotation_ms IS NOT NULL
      AND next_rotation_ms <= @until
      AND (@afterMs IS NULL OR next_rotation_ms > @afterMs OR (next_rotation_ms = @afterMs AND key_id > @afterKey))
    ORDER BY next_rotation_ms, key_id LIMIT @limit`,
  deletion: `SELECT key_id, account_id, region, deletion_ms AS due_ms FROM tt_key_schedule
    WHERE to_commit IS NULL AND key_state IN ('PendingDeletion', 'Deleted') AND deletion_ms IS NOT NULL
      AND deletion_ms <= @until
      AND (@afterMs IS NULL OR deletion_ms > @afterMs OR (deletion_ms = @afterMs AND key_id > @afterKey))
    ORDER BY deletion_ms, key_id LIMIT @limit`,
};

/** Reads of the key schedule. */
export class KeyScheduleQueries {
  private readonly dueStatements: Readonly<Record<ScheduledAction, Database.Statement<[DueParams], DueRow>>>;
  private readonly entry: Database.Statement<[string], EntryRow>;

  constructor(db: Database.Database) {
    this.dueStatements = { rotation: db.prepare(DUE_SQL.rotation), deletion: db.prepare(DUE_SQL.deletion) };
    this.entry = db.prepare('SELECT key_id, account_id, region, key_state, next_rotation_ms, deletion_ms, deleted_ms FROM tt_key_schedule WHERE key_id = ? AND to_commit IS NULL');
  }

  due(action: ScheduledAction, time: Date, limit: number, after: DueKeyCursor | null): DueKey[] {
    const rows = this.dueStatements[action].all({
      until: time.getTime(),
      afterMs: after === null ? null : Date.parse(after.dueAt),
      afterKey: after?.keyId ?? '',
      limit,
    });
    return rows.map((r) => ({ keyId: r.key_id, accountId: r.account_id, region: r.region, dueAt: new Date(r.due_ms).toISOString() }));
  }

  scheduleOf(keyId: string): KeyScheduleEntry | null {
    const r = this.entry.get(keyId);
    if (!r) return null;
    return {
      keyId: r.key_id,
      accountId: r.account_id,
      region: r.region,
      keyState: r.key_state,
      nextRotationDate: isoOrNull(r.next_rotation_ms),
      deletionDate: isoOrNull(r.deletion_ms),
      deletedDate: isoOrNull(r.deleted_ms),
    };
  }
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

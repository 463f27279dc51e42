import type Database from 'better-sqlite3';
import type { AsOf } from '../../src/application/audit/temporal-read-models.js';
import type { DueKey, DueKeyCursor, KeyScheduleEntry, KeyScheduleState, ScheduledAction } from '../../src/application/kms/maintenance/key-schedule.js';
import { validAt, type Axis } from '../temporal/as-of-sql.js';
import { AsOfStatements } from '../temporal/as-of-statements.js';

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
 * "Which keys are due at T", by the schedule as it stands now or as it stood at an instant.
 * As of now each WHERE repeats its partial index's condition word for word (`to_commit IS
 * NULL` is what validAt gives for now), which is what lets SQLite use the index, then scans
 * it from the cursor up to T.
 */
export const DUE_SQL: Readonly<Record<ScheduledAction, (axis: Axis) => string>> = {
  rotation: (a) => `SELECT key_id, account_id, region, next_rotation_ms AS due_ms FROM tt_key_schedule
    WHERE ${validAt(a)} AND key_state = 'Enabled' AND next_rotation_ms IS NOT NULL
      AND next_rotation_ms <= @until
      AND (@afterMs IS NULL OR next_rotation_ms > @afterMs OR (next_rotation_ms = @afterMs AND key_id > @afterKey))
    ORDER BY next_rotation_ms, key_id LIMIT @limit`,
  deletion: (a) => `SELECT key_id, account_id, region, deletion_ms AS due_ms FROM tt_key_schedule
    WHERE ${validAt(a)} AND key_state IN ('PendingDeletion', 'Deleted') AND deletion_ms IS NOT NULL
      AND deletion_ms <= @until
      AND (@afterMs IS NULL OR deletion_ms > @afterMs OR (deletion_ms = @afterMs AND key_id > @afterKey))
    ORDER BY deletion_ms, key_id LIMIT @limit`,
};

const ENTRY_SQL = (a: Axis) =>
  `SELECT key_id, account_id, region, key_state, next_rotation_ms, deletion_ms, deleted_ms FROM tt_key_schedule WHERE key_id = @id AND ${validAt(a)}
    ORDER BY from_commit DESC, from_prepare DESC LIMIT 1`;

/** Reads of the key schedule, as of now or as of an instant. */
export class KeyScheduleQueries {
  private readonly sql: AsOfStatements;

  constructor(db: Database.Database) {
    this.sql = new AsOfStatements(db);
  }

  due(action: ScheduledAction, time: Date, limit: number, after: DueKeyCursor | null, asOf?: AsOf): DueKey[] {
    const params: DueParams = { until: time.getTime(), afterMs: after === null ? null : Date.parse(after.dueAt), afterKey: after?.keyId ?? '', limit };
    const rows = this.sql.all(DUE_SQL[action], asOf, params) as unknown as DueRow[];
    return rows.map((r) => ({ keyId: r.key_id, accountId: r.account_id, region: r.region, dueAt: new Date(r.due_ms).toISOString() }));
  }

  scheduleOf(keyId: string, asOf?: AsOf): KeyScheduleEntry | null {
    const r = this.sql.one(ENTRY_SQL, asOf, { id: keyId }) as unknown as EntryRow | undefined;
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

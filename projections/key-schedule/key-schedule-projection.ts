import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../../src/application/ports/event-store.js';
import { KEY_MATERIAL_SHREDDED, type KeyMaterialShredded } from '../../src/application/kms/maintenance/shredding-ledger.js';
import type {
  KeyCreatedData,
  KeyDeletedData,
  KeyDeletionScheduledData,
  KeyRef,
  KeyRotatedData,
  KeyRotationEnabledData,
} from '../../src/domain/key/index.js';
import type { Projection } from '../runner/projection.js';

/**
 * When each key is next due for one of KMS's timed actions. Dates are epoch
 * milliseconds so "due at T" is a range scan on a partial index per action:
 * - rotation: enabled keys with automatic rotation on, by next rotation date (a disabled
 *   key is not rotated; enabled again after its date, it is due at once);
 * - deletion: keys pending deletion by the end of their waiting period, and deleted keys
 *   whose deletion is not finished, until their material is recorded as shredded, when
 *   the row goes.
 */
export const keyScheduleProjection: Projection = {
  name: 'kms-key-schedule',
  version: 1,
  eventTypes: new Set([
    'KeyCreated', 'KeyEnabled', 'KeyDisabled', 'KeyRotationEnabled', 'KeyRotationDisabled', 'KeyRotated',
    'KeyDeletionScheduled', 'KeyDeletionCanceled', 'KeyDeleted', KEY_MATERIAL_SHREDDED,
  ]),
  migrate(db) {
    db.exec(`CREATE TABLE IF NOT EXISTS kms_key_schedule (
      key_id TEXT PRIMARY KEY,
      account_id TEXT NOT NULL,
      region TEXT NOT NULL,
      key_state TEXT NOT NULL,
      next_rotation_ms INTEGER,
      deletion_ms INTEGER,
      deleted_ms INTEGER
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS kms_key_schedule_rotation ON kms_key_schedule (next_rotation_ms, key_id)
      WHERE key_state = 'Enabled' AND next_rotation_ms IS NOT NULL;
    CREATE INDEX IF NOT EXISTS kms_key_schedule_deletion ON kms_key_schedule (deletion_ms, key_id)
      WHERE key_state IN ('PendingDeletion', 'Deleted') AND deletion_ms IS NOT NULL;`);
  },
  reset(db) {
    db.exec('DELETE FROM kms_key_schedule');
  },
  apply(event: RecordedEvent, db: Database.Database) {
    const s = statements(db);
    switch (event.type) {
      case 'KeyCreated': {
        const d = event.data as KeyCreatedData;
        s.create.run(d.keyId, d.accountId, d.region);
        break;
      }
      case 'KeyEnabled':
        s.setLiveState.run('Enabled', (event.data as KeyRef).keyId);
        break;
      case 'KeyDisabled':
        s.setLiveState.run('Disabled', (event.data as KeyRef).keyId);
        break;
      case 'KeyRotationEnabled': {
        const d = event.data as KeyRotationEnabledData;
        s.setNextRotation.run(epochMs(d.nextRotationDate), d.keyId);
        break;
      }
      case 'KeyRotationDisabled':
        s.setNextRotation.run(null, (event.data as KeyRef).keyId);
        break;
      case 'KeyRotated': {
        // An on-demand rotation leaves the automatic schedule where it was.
        const d = event.data as KeyRotatedData;
        if (d.rotationType === 'AUTOMATIC') s.setNextRotation.run(d.nextRotationDate === null ? null : epochMs(d.nextRotationDate), d.keyId);
        break;
      }
      case 'KeyDeletionScheduled': {
        const d = event.data as KeyDeletionScheduledData;
        s.scheduleDeletion.run(epochMs(d.deletionDate), d.keyId);
        break;
      }
      case 'KeyDeletionCanceled':
        s.cancelDeletion.run((event.data as KeyRef).keyId);
        break;
      case 'KeyDeleted': {
        const d = event.data as KeyDeletedData;
        s.markDeleted.run({ deletedMs: epochMs(d.deletionDate), keyId: d.keyId });
        break;
      }
      case KEY_MATERIAL_SHREDDED:
        s.forget.run((event.data as KeyMaterialShredded['data']).keyId);
        break;
    }
  },
};

interface Statements {
  readonly create: Database.Statement<[string, string, string]>;
  readonly setLiveState: Database.Statement<['Enabled' | 'Disabled', string]>;
  readonly setNextRotation: Database.Statement<[number | null, string]>;
  readonly scheduleDeletion: Database.Statement<[number, string]>;
  readonly cancelDeletion: Database.Statement<[string]>;
  readonly markDeleted: Database.Statement<[{ deletedMs: number; keyId: string }]>;
  readonly forget: Database.Statement<[string]>;
}

const prepared = new WeakMap<Database.Database, Statements>();

function statements(db: Database.Database): Statements {
  let s = prepared.get(db);
  if (s === undefined) {
    s = {
      create: db.prepare("INSERT OR IGNORE INTO kms_key_schedule (key_id, account_id, region, key_state) VALUES (?, ?, ?, 'Enabled')"),
      setLiveState: db.prepare("UPDATE kms_key_schedule SET key_state = ? WHERE key_id = ? AND key_state IN ('Enabled', 'Disabled')"),
      setNextRotation: db.prepare("UPDATE kms_key_schedule SET next_rotation_ms = ? WHERE key_id = ? AND key_state <> 'Deleted'"),
      scheduleDeletion: db.prepare("UPDATE kms_key_schedule SET key_state = 'PendingDeletion', deletion_ms = ? WHERE key_id = ? AND key_state <> 'Deleted'"),
      cancelDeletion: db.prepare("UPDATE kms_key_schedule SET key_state = 'Disabled', deletion_ms = NULL WHERE key_id = ? AND key_state = 'PendingDeletion'"),
      // The end of the waiting period is kept: the row keeps its place in the deletion index.
      markDeleted: db.prepare(
        "UPDATE kms_key_schedule SET key_state = 'Deleted', deleted_ms = @deletedMs, deletion_ms = COALESCE(deletion_ms, @deletedMs), next_rotation_ms = NULL WHERE key_id = @keyId",
      ),
      forget: db.prepare('DELETE FROM kms_key_schedule WHERE key_id = ?'),
    };
    prepared.set(db, s);
  }
  return s;
}

/** A date the projection cannot read stops it at that event rather than losing a deadline. */
function epochMs(isoTime: string): number {
  const ms = Date.parse(isoTime);
  if (Number.isNaN(ms)) throw new Error(`'${isoTime}' is not an ISO-8601 time`);
  return ms;
}

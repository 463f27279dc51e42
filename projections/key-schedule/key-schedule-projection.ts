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
import { BoundStatements } from '../temporal/bound-statements.js';
import { citeOf, dropQueryIndexesDdl, migrateVersionTables, VersionWriter, type Row, type VersionTableSpec } from '../temporal/version-table.js';

/**
 * When each key is next due for one of KMS's timed actions, as a temporal table like every
 * read model: each change of a key's dates is a new version, so "what was due when" stays
 * answerable. Dates are epoch milliseconds so "due at T" is a range scan on a partial
 * index of open versions per action:
 * - rotation: enabled keys with automatic rotation on, by next rotation date (a disabled
 *   key is not rotated; enabled again after its date, it is due at once);
 * - deletion: keys pending deletion by the end of their waiting period, and deleted keys
 *   whose deletion is not finished, until their material is recorded as shredded, which
 *   closes the key's last version.
 */
export const KEY_SCHEDULE_VERSIONS: VersionTableSpec = {
  table: 'tt_key_schedule',
  entity: ['key_id'],
  columns: ['account_id', 'region', 'key_state', 'next_rotation_ms', 'deletion_ms', 'deleted_ms'],
  changesQueried: false,
};

/** The due indexes serve the maintenance timer from the first event on, so they are made with the table. */
const DUE_INDEXES = `
  CREATE INDEX IF NOT EXISTS tt_key_schedule_rotation ON tt_key_schedule (next_rotation_ms, key_id)
    WHERE to_commit IS NULL AND key_state = 'Enabled' AND next_rotation_ms IS NOT NULL;
  CREATE INDEX IF NOT EXISTS tt_key_schedule_deletion ON tt_key_schedule (deletion_ms, key_id)
    WHERE to_commit IS NULL AND key_state IN ('PendingDeletion', 'Deleted') AND deletion_ms IS NOT NULL;`;

const writers = new BoundStatements((db) => new VersionWriter(db, KEY_SCHEDULE_VERSIONS));

export const keyScheduleProjection: Projection = {
  name: 'kms-key-schedule',
  version: 2,
  eventTypes: new Set([
    'KeyCreated', 'KeyEnabled', 'KeyDisabled', 'KeyRotationEnabled', 'KeyRotationDisabled', 'KeyRotated',
    'KeyDeletionScheduled', 'KeyDeletionCanceled', 'KeyDeleted', KEY_MATERIAL_SHREDDED,
  ]),
  migrate(db) {
    // The current-state table of version 1.
    db.exec('DROP TABLE IF EXISTS kms_key_schedule;');
    migrateVersionTables(db, [KEY_SCHEDULE_VERSIONS], keyScheduleProjection.name);
    db.exec(DUE_INDEXES);
  },
  reset(db) {
    db.exec(`${dropQueryIndexesDdl(KEY_SCHEDULE_VERSIONS)}\nDELETE FROM ${KEY_SCHEDULE_VERSIONS.table};`);
  },
  endBatch(db) {
    writers.for(db).forget();
  },
  apply(event: RecordedEvent, db: Database.Database) {
    const schedule = writers.for(db);
    const cite = citeOf(event);
    const keyId = (event.data as KeyRef).keyId;
    const entity = { key_id: keyId };
    if (event.type === 'KeyCreated') {
      const d = event.data as KeyCreatedData;
      if (schedule.current(entity) === undefined) schedule.open(entity, { account_id: d.accountId, region: d.region, key_state: 'Enabled' }, cite, null);
      return;
    }
    const current = schedule.current(entity);
    if (current === undefined) return;
    const state = current['key_state'] as string;
    /** A new version with these values, when the key is in one of `from` (a change that does not apply is no version). */
    const change = (values: Row, from: readonly string[] = ['Enabled', 'Disabled', 'PendingDeletion']): void => {
      if (from.includes(state)) schedule.open(entity, { ...current, ...values }, cite, current);
    };
    switch (event.type) {
      case 'KeyEnabled':
        return change({ key_state: 'Enabled' }, ['Enabled', 'Disabled']);
      case 'KeyDisabled':
        return change({ key_state: 'Disabled' }, ['Enabled', 'Disabled']);
      case 'KeyRotationEnabled':
        return change({ next_rotation_ms: epochMs((event.data as KeyRotationEnabledData).nextRotationDate) });
      case 'KeyRotationDisabled':
        return change({ next_rotation_ms: null });
      case 'KeyRotated': {
        // An on-demand rotation leaves the automatic schedule where it was.
        const d = event.data as KeyRotatedData;
        if (d.rotationType !== 'AUTOMATIC') return;
        return change({ next_rotation_ms: d.nextRotationDate === null ? null : epochMs(d.nextRotationDate) });
      }
      case 'KeyDeletionScheduled':
        return change({ key_state: 'PendingDeletion', deletion_ms: epochMs((event.data as KeyDeletionScheduledData).deletionDate) });
      case 'KeyDeletionCanceled':
        return change({ key_state: 'Disabled', deletion_ms: null }, ['PendingDeletion']);
      case 'KeyDeleted': {
        // The end of the waiting period is kept: the key keeps its place in the deletion index.
        const deletedMs = epochMs((event.data as KeyDeletedData).deletionDate);
        schedule.open(entity, { ...current, key_state: 'Deleted', deleted_ms: deletedMs, deletion_ms: current['deletion_ms'] ?? deletedMs, next_rotation_ms: null }, cite, current);
        return;
      }
      case KEY_MATERIAL_SHREDDED:
        schedule.close({ key_id: (event.data as KeyMaterialShredded['data']).keyId }, cite);
        return;
    }
  },
};

/** A date the projection cannot read stops it at that event rather than losing a deadline. */
function epochMs(isoTime: string): number {
  const ms = Date.parse(isoTime);
  if (Number.isNaN(ms)) throw new Error(`'${isoTime}' is not an ISO-8601 time`);
  return ms;
}

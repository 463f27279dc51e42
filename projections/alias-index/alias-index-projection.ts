import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../../src/application/ports/event-store.js';
import type { AliasCreated, AliasDeleted, AliasUpdated } from '../../src/domain/alias/alias-events.js';
import { ALIAS_STREAM_CATEGORY } from '../../src/domain/alias/alias-stream.js';
import type { Projection } from '../runner/projection.js';

/**
 * Every alias of every account and Region, for alias look-ups and ListAliases. Dates are
 * the times of the calls that created and last moved the alias.
 */
export const aliasIndexProjection: Projection = {
  name: 'kms-alias-index',
  version: 1,
  eventTypes: new Set(['AliasCreated', 'AliasUpdated', 'AliasDeleted']),
  migrate(db) {
    db.exec(`CREATE TABLE IF NOT EXISTS kms_alias_index (
      account_id TEXT NOT NULL,
      region TEXT NOT NULL,
      alias_name TEXT NOT NULL,
      alias_arn TEXT NOT NULL,
      target_key_id TEXT NOT NULL,
      creation_date TEXT NOT NULL,
      last_updated_date TEXT NOT NULL,
      PRIMARY KEY (account_id, region, alias_name)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS kms_alias_index_target ON kms_alias_index (target_key_id, alias_name);`);
  },
  reset(db) {
    db.exec('DELETE FROM kms_alias_index');
  },
  apply(event: RecordedEvent, db: Database.Database) {
    const scope = scopeOfStream(event.stream);
    const time = timeOf(event);
    switch (event.type) {
      case 'AliasCreated': {
        const d = event.data as AliasCreated['data'];
        db.prepare(
          'INSERT OR REPLACE INTO kms_alias_index (account_id, region, alias_name, alias_arn, target_key_id, creation_date, last_updated_date) VALUES (?, ?, ?, ?, ?, ?, ?)',
        ).run(d.accountId, d.region, d.aliasName, d.aliasArn, d.targetKeyId, time, time);
        break;
      }
      case 'AliasUpdated': {
        const d = event.data as AliasUpdated['data'];
        db.prepare('UPDATE kms_alias_index SET target_key_id = ?, last_updated_date = ? WHERE account_id = ? AND region = ? AND alias_name = ?').run(
          d.targetKeyId, time, scope.accountId, scope.region, d.aliasName,
        );
        break;
      }
      case 'AliasDeleted': {
        const d = event.data as AliasDeleted['data'];
        db.prepare('DELETE FROM kms_alias_index WHERE account_id = ? AND region = ? AND alias_name = ?').run(scope.accountId, scope.region, d.aliasName);
        break;
      }
    }
  },
};

/** `kmsalias-<account>_<region>`: account ids have no underscore, so the first one splits. */
export function scopeOfStream(stream: string): { accountId: string; region: string } {
  const id = stream.slice(ALIAS_STREAM_CATEGORY.length + 1);
  const split = id.indexOf('_');
  if (!stream.startsWith(`${ALIAS_STREAM_CATEGORY}-`) || split < 0) throw new Error(`Alias event in unexpected stream '${stream}'`);
  return { accountId: id.slice(0, split), region: id.slice(split + 1) };
}

/** The time of the call that caused the event (from the injected clock), else when it was stored. */
export function timeOf(event: RecordedEvent): string {
  const time = event.metadata['time'];
  return typeof time === 'string' ? time : event.created.toISOString();
}

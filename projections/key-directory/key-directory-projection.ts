import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../../src/application/ports/event-store.js';
import type { KeyCreatedData, KeyDeletedData } from '../../src/domain/key/index.js';
import type { Projection } from '../runner/projection.js';

/**
 * The keys of each account and Region, for ListKeys: a key appears when it is created
 * and leaves when it is deleted (a key pending deletion is still listed, as in AWS).
 * `seq` keeps creation order and is the pagination cursor.
 */
export const keyDirectoryProjection: Projection = {
  name: 'kms-key-directory',
  version: 1,
  eventTypes: new Set(['KeyCreated', 'KeyDeleted']),
  migrate(db) {
    db.exec(`CREATE TABLE IF NOT EXISTS kms_key_directory (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      key_id TEXT NOT NULL UNIQUE,
      account_id TEXT NOT NULL,
      region TEXT NOT NULL,
      arn TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS kms_key_directory_scope ON kms_key_directory (account_id, region, seq);`);
  },
  reset(db) {
    db.exec('DELETE FROM kms_key_directory');
  },
  apply(event: RecordedEvent, db: Database.Database) {
    if (event.type === 'KeyCreated') {
      const d = event.data as KeyCreatedData;
      db.prepare('INSERT OR IGNORE INTO kms_key_directory (key_id, account_id, region, arn) VALUES (?, ?, ?, ?)').run(d.keyId, d.accountId, d.region, d.arn);
    } else if (event.type === 'KeyDeleted') {
      db.prepare('DELETE FROM kms_key_directory WHERE key_id = ?').run((event.data as KeyDeletedData).keyId);
    }
  },
};

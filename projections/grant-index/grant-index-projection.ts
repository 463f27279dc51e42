import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../../src/application/ports/event-store.js';
import type { GrantCreatedData, GrantRef, KeyCreatedData, KeyDeletedData } from '../../src/domain/key/index.js';
import type { Projection } from '../runner/projection.js';

/**
 * Live grants of every key, for ListGrants (by key), ListRetirableGrants (by retiring
 * principal within the key's account and Region) and RetireGrant by token (by grant id).
 * Each key's ARN, account and Region are kept from KeyCreated, since grant events name
 * only the key id. No grant token is stored: tokens are derived, never kept.
 */
export const grantIndexProjection: Projection = {
  name: 'kms-grant-index',
  version: 1,
  eventTypes: new Set(['KeyCreated', 'KeyDeleted', 'GrantCreated', 'GrantRetired', 'GrantRevoked']),
  migrate(db) {
    db.exec(`CREATE TABLE IF NOT EXISTS kms_grant_keys (
      key_id TEXT PRIMARY KEY,
      arn TEXT NOT NULL,
      account_id TEXT NOT NULL,
      region TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS kms_grant_index (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      grant_id TEXT NOT NULL UNIQUE,
      key_id TEXT NOT NULL,
      key_arn TEXT NOT NULL,
      account_id TEXT NOT NULL,
      region TEXT NOT NULL,
      name TEXT,
      grantee_principal TEXT NOT NULL,
      retiring_principal TEXT,
      issuing_account TEXT NOT NULL,
      operations TEXT NOT NULL,
      constraints TEXT,
      creation_date TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS kms_grant_index_key ON kms_grant_index (key_id, seq);
    CREATE INDEX IF NOT EXISTS kms_grant_index_retiring ON kms_grant_index (account_id, region, retiring_principal, seq);`);
  },
  reset(db) {
    db.exec('DELETE FROM kms_grant_index; DELETE FROM kms_grant_keys;');
  },
  apply(event: RecordedEvent, db: Database.Database) {
    switch (event.type) {
      case 'KeyCreated': {
        const d = event.data as KeyCreatedData;
        db.prepare('INSERT OR REPLACE INTO kms_grant_keys (key_id, arn, account_id, region) VALUES (?, ?, ?, ?)').run(d.keyId, d.arn, d.accountId, d.region);
        break;
      }
      case 'GrantCreated': {
        const d = event.data as GrantCreatedData;
        const key = db.prepare('SELECT arn, account_id, region FROM kms_grant_keys WHERE key_id = ?').get(d.keyId) as
          | { arn: string; account_id: string; region: string }
          | undefined;
        if (key === undefined) throw new Error(`GrantCreated for key ${d.keyId}, which was never created`);
        db.prepare(
          `INSERT OR REPLACE INTO kms_grant_index (grant_id, key_id, key_arn, account_id, region, name, grantee_principal, retiring_principal,
             issuing_account, operations, constraints, creation_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          d.grantId, d.keyId, key.arn, key.account_id, key.region, d.name, d.granteePrincipal, d.retiringPrincipal,
          d.issuingAccount, JSON.stringify(d.operations), d.constraints === null ? null : JSON.stringify(d.constraints), d.creationDate,
        );
        break;
      }
      case 'GrantRetired':
      case 'GrantRevoked':
        db.prepare('DELETE FROM kms_grant_index WHERE grant_id = ?').run((event.data as GrantRef).grantId);
        break;
      case 'KeyDeleted': {
        const { keyId } = event.data as KeyDeletedData;
        db.prepare('DELETE FROM kms_grant_index WHERE key_id = ?').run(keyId);
        db.prepare('DELETE FROM kms_grant_keys WHERE key_id = ?').run(keyId);
        break;
      }
    }
  },
};

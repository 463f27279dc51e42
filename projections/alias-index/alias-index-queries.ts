import type Database from 'better-sqlite3';
import type { AliasListEntry, Page, PageRequest } from '../../src/application/kms/kms-read-side.js';

interface AliasRow {
  alias_name: string;
  alias_arn: string;
  target_key_id: string;
  creation_date: string;
  last_updated_date: string;
}

const COLUMNS = 'alias_name, alias_arn, target_key_id, creation_date, last_updated_date';

/** Reads of the alias index, in alias-name order; the cursor is the last alias name returned. */
export class AliasIndexQueries {
  private readonly byName: Database.Statement<[string, string, string], AliasRow>;
  private readonly all: Database.Statement<[string, string, string, number], AliasRow>;
  private readonly forKey: Database.Statement<[string, string, string, string, number], AliasRow>;
  private readonly namesOfKey: Database.Statement<[string], { alias_name: string }>;

  constructor(db: Database.Database) {
    this.byName = db.prepare(`SELECT ${COLUMNS} FROM kms_alias_index WHERE account_id = ? AND region = ? AND alias_name = ?`);
    this.all = db.prepare(`SELECT ${COLUMNS} FROM kms_alias_index WHERE account_id = ? AND region = ? AND alias_name > ? ORDER BY alias_name LIMIT ?`);
    this.forKey = db.prepare(
      `SELECT ${COLUMNS} FROM kms_alias_index WHERE account_id = ? AND region = ? AND target_key_id = ? AND alias_name > ? ORDER BY alias_name LIMIT ?`,
    );
    this.namesOfKey = db.prepare('SELECT alias_name FROM kms_alias_index WHERE target_key_id = ? ORDER BY alias_name');
  }

  findAlias(accountId: string, region: string, aliasName: string): AliasListEntry | null {
    const row = this.byName.get(accountId, region, aliasName);
    return row === undefined ? null : entry(row);
  }

  listAliases(accountId: string, region: string, targetKeyId: string | null, request: PageRequest): Page<AliasListEntry> {
    const after = request.after ?? '';
    const rows =
      targetKeyId === null
        ? this.all.all(accountId, region, after, request.limit + 1)
        : this.forKey.all(accountId, region, targetKeyId, after, request.limit + 1);
    const items = rows.slice(0, request.limit).map(entry);
    return { items, nextAfter: rows.length > request.limit ? items[items.length - 1]!.aliasName : null };
  }

  aliasesOfKey(keyId: string): readonly string[] {
    return this.namesOfKey.all(keyId).map((r) => r.alias_name);
  }
}

function entry(row: AliasRow): AliasListEntry {
  return {
    aliasName: row.alias_name,
    aliasArn: row.alias_arn,
    targetKeyId: row.target_key_id,
    creationDate: row.creation_date,
    lastUpdatedDate: row.last_updated_date,
  };
}

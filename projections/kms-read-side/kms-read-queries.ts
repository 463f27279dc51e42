import type Database from 'better-sqlite3';
import type { AsOf } from '../../src/application/audit/temporal-read-models.js';
import type { AliasListEntry, GrantFilter, GrantListEntry, KeyListEntry, Page, PageRequest } from '../../src/application/kms/kms-read-side.js';
import { invalidMarker } from '../../src/application/kms/pagination.js';
import { validAt, type Axis } from '../temporal/as-of-sql.js';
import { AsOfStatements } from '../temporal/as-of-statements.js';
import type { Row } from '../temporal/version-table.js';
import { aliasVersion, grantVersion } from '../temporal/version-rows.js';

/** Before every position: where a first page starts. */
const START = { afterCommit: -1, afterPrepare: -1 };

/** The queries, for any axis; "now" pages through the partial indexes of open versions. */
export const KMS_READ_SQL = {
  keys: (a: Axis) => `SELECT key_id, arn, created_commit, created_prepare FROM tt_keys
    WHERE account_id = @account AND region = @region AND ${validAt(a)} AND status = 'Live'
      AND (created_commit, created_prepare) > (@afterCommit, @afterPrepare)
    ORDER BY created_commit, created_prepare LIMIT @limit`,
  alias: (a: Axis) => `SELECT * FROM tt_aliases WHERE account_id = @account AND region = @region AND alias_name = @name AND ${validAt(a)} LIMIT 1`,
  aliases: (a: Axis) => `SELECT * FROM tt_aliases WHERE account_id = @account AND region = @region AND ${validAt(a)} AND alias_name > @after
    ORDER BY alias_name LIMIT @limit`,
  aliasesOfTarget: (a: Axis) => `SELECT * FROM tt_aliases WHERE target_key_id = @target AND ${validAt(a)} AND alias_name > @after
    AND account_id = @account AND region = @region ORDER BY alias_name LIMIT @limit`,
  aliasNamesOfKey: (a: Axis) => `SELECT alias_name FROM tt_aliases WHERE target_key_id = @id AND ${validAt(a)} ORDER BY alias_name`,
  grants: (a: Axis) => `SELECT * FROM tt_grants WHERE key_id = @key AND ${validAt(a)}
      AND (@grantId IS NULL OR grant_id = @grantId) AND (@grantee IS NULL OR grantee_principal = @grantee)
      AND (from_commit, from_prepare) > (@afterCommit, @afterPrepare)
    ORDER BY from_commit, from_prepare LIMIT @limit`,
  retirableGrants: (a: Axis) => `SELECT * FROM tt_grants WHERE region = @region AND retiring_principal = @principal AND ${validAt(a)}
      AND (from_commit, from_prepare) > (@afterCommit, @afterPrepare)
    ORDER BY from_commit, from_prepare LIMIT @limit`,
  grant: (a: Axis) => `SELECT * FROM tt_grants WHERE grant_id = @id AND ${validAt(a)} LIMIT 1`,
};

/**
 * The KMS list and look-up queries over the temporal tables. Read as of now they use the
 * partial indexes of open versions (temporal-tables.ts), so they page through what exists
 * now, not through history. Keys and grants page in log order, by the position of the
 * event that created them (cursor `<commit>.<prepare>`); aliases by name.
 */
export class KmsReadQueries {
  private readonly sql: AsOfStatements;

  constructor(db: Database.Database) {
    this.sql = new AsOfStatements(db);
  }

  listKeys(accountId: string, region: string, request: PageRequest, asOf?: AsOf): Page<KeyListEntry> {
    const rows = this.sql.all(KMS_READ_SQL.keys, asOf, { account: accountId, region, ...positionCursor(request), limit: request.limit + 1 });
    return page(rows, request, (r) => ({ keyId: r['key_id'] as string, keyArn: r['arn'] as string }), (r) => `${r['created_commit']}.${r['created_prepare']}`);
  }

  findAlias(accountId: string, region: string, aliasName: string, asOf?: AsOf): AliasListEntry | null {
    const row = this.sql.one(KMS_READ_SQL.alias, asOf, { account: accountId, region, name: aliasName });
    return row === undefined ? null : aliasEntry(row);
  }

  listAliases(accountId: string, region: string, targetKeyId: string | null, request: PageRequest, asOf?: AsOf): Page<AliasListEntry> {
    const params = { account: accountId, region, after: request.after ?? '', limit: request.limit + 1 };
    const rows = targetKeyId === null
      ? this.sql.all(KMS_READ_SQL.aliases, asOf, params)
      : this.sql.all(KMS_READ_SQL.aliasesOfTarget, asOf, { ...params, target: targetKeyId });
    return page(rows, request, aliasEntry, (r) => r['alias_name'] as string);
  }

  aliasesOfKey(keyId: string, asOf?: AsOf): readonly string[] {
    return this.sql.all(KMS_READ_SQL.aliasNamesOfKey, asOf, { id: keyId }).map((r) => r['alias_name'] as string);
  }

  listGrants(keyId: string, filter: GrantFilter, request: PageRequest, asOf?: AsOf): Page<GrantListEntry> {
    const filters = { grantId: filter.grantId ?? null, grantee: filter.granteePrincipal ?? null };
    const rows = this.sql.all(KMS_READ_SQL.grants, asOf, { key: keyId, ...filters, ...positionCursor(request), limit: request.limit + 1 });
    return page(rows, request, grantVersion, grantCursor);
  }

  listRetirableGrants(region: string, retiringPrincipal: string, request: PageRequest, asOf?: AsOf): Page<GrantListEntry> {
    const params = { region, principal: retiringPrincipal, ...positionCursor(request), limit: request.limit + 1 };
    const rows = this.sql.all(KMS_READ_SQL.retirableGrants, asOf, params);
    return page(rows, request, grantVersion, grantCursor);
  }

  findGrant(grantId: string, asOf?: AsOf): GrantListEntry | null {
    const row = this.sql.one(KMS_READ_SQL.grant, asOf, { id: grantId });
    return row === undefined ? null : grantVersion(row);
  }
}

function aliasEntry(row: Row): AliasListEntry {
  const version = aliasVersion(row);
  return { ...version, lastUpdatedDate: version.validity.from.time };
}

const grantCursor = (row: Row) => `${row['from_commit']}.${row['from_prepare']}`;

const MAX_POSITION = 2n ** 63n - 1n;

/** A position cursor from a previous page; anything else in a well-formed marker was not made here. */
function positionCursor(request: PageRequest): { afterCommit: number | bigint; afterPrepare: number | bigint } {
  if (request.after === null) return START;
  const match = /^(\d{1,19})\.(\d{1,19})$/.exec(request.after);
  if (match === null) throw invalidMarker();
  const [commit, prepare] = [BigInt(match[1]!), BigInt(match[2]!)];
  // SQLite integers are 64-bit signed: a larger number was never a position.
  if (commit > MAX_POSITION || prepare > MAX_POSITION) throw invalidMarker();
  return { afterCommit: commit, afterPrepare: prepare };
}

/** One more row than the page was asked for says that more follow. */
function page<T>(rows: Row[], request: PageRequest, entry: (row: Row) => T, cursor: (row: Row) => string): Page<T> {
  const items = rows.slice(0, request.limit);
  return { items: items.map(entry), nextAfter: rows.length > request.limit ? cursor(items[items.length - 1]!) : null };
}

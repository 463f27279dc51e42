import type Database from 'better-sqlite3';
import type {
  AccessKeyVersion,
  AliasVersion,
  AsOf,
  BackingKeyVersionEntry,
  GrantVersion,
  IdentityPolicyVersion,
  KeyHistory,
  KeyPolicyVersion,
  KeyVersion,
  PrincipalHistory,
  PrincipalVersion,
  Range,
  UsageRecord,
} from '../../src/application/audit/temporal-read-models.js';
import { edgeIn, rangeAxis, rangeParams, validAt, type Axis } from './as-of-sql.js';
import { AsOfStatements } from './as-of-statements.js';
import type { Row } from './version-table.js';
import {
  accessKeyVersion,
  aliasVersion,
  backingKeyVersion,
  grantVersion,
  identityPolicyVersion,
  keyPolicyVersion,
  keyVersion,
  principalVersion,
  usageRecord,
} from './version-rows.js';

/** Usage rows up to an instant: by call time, or by global position. */
const usageAt = (axis: Axis) => (axis === 'time' ? ' AND time <= @t' : axis === 'position' ? ' AND (commit_pos, prepare_pos) <= (@c, @p)' : '');

/** The newest version first, in the order of the index the axis uses, so the lookup stops at the first match. */
const latest = (axis: Axis) => (axis === 'time' ? 'ORDER BY from_time DESC, from_commit DESC, from_prepare DESC LIMIT 1' : 'ORDER BY from_commit DESC, from_prepare DESC LIMIT 1');
const IN_ORDER = 'ORDER BY from_commit, from_prepare';

/**
 * The reads of the temporal read models. Each question is one or two indexed range lookups
 * on (thing, from_time) or (thing, from_position); statements are prepared once per shape.
 */
export class TemporalQueries {
  private readonly sql: AsOfStatements;

  constructor(db: Database.Database) {
    this.sql = new AsOfStatements(db);
  }

  key(keyId: string, asOf?: AsOf): KeyVersion | null {
    const row = this.sql.one((a) => `SELECT * FROM tt_keys WHERE key_id = @id AND ${validAt(a)} ${latest(a)}`, asOf, { id: keyId });
    return row === undefined ? null : keyVersion(row);
  }

  keysOfAccount(accountId: string, asOf?: AsOf): KeyVersion[] {
    return this.sql.all((a) => `SELECT * FROM tt_keys WHERE account_id = @id AND ${validAt(a)} ${IN_ORDER}`, asOf, { id: accountId }).map(keyVersion);
  }

  keyPolicy(keyId: string, asOf?: AsOf): KeyPolicyVersion | null {
    const row = this.sql.one((a) => `SELECT * FROM tt_key_policies WHERE key_id = @id AND ${validAt(a)} ${latest(a)}`, asOf, { id: keyId });
    return row === undefined ? null : keyPolicyVersion(row);
  }

  keysNaming(principals: readonly string[], asOf?: AsOf): string[] {
    const keys = new Set<string>();
    for (const principal of principals) {
      const rows = this.sql.all((a) => `SELECT key_id FROM tt_policy_principals WHERE principal = @id AND ${validAt(a)}`, asOf, { id: principal });
      for (const row of rows) keys.add(row['key_id'] as string);
    }
    return [...keys];
  }

  grantsOfKey(keyId: string, asOf?: AsOf): GrantVersion[] {
    return this.sql.all((a) => `SELECT * FROM tt_grants WHERE key_id = @id AND ${validAt(a)} ${IN_ORDER}`, asOf, { id: keyId }).map(grantVersion);
  }

  grantsForGrantees(grantees: readonly string[], asOf?: AsOf): GrantVersion[] {
    return grantees.flatMap((g) =>
      this.sql.all((a) => `SELECT * FROM tt_grants WHERE grantee_principal = @id AND ${validAt(a)} ${IN_ORDER}`, asOf, { id: g }).map(grantVersion),
    );
  }

  backingKeys(keyId: string, asOf?: AsOf): BackingKeyVersionEntry[] {
    return this.sql.all((a) => `SELECT * FROM tt_backing_keys WHERE key_id = @id AND ${validAt(a)} ORDER BY version`, asOf, { id: keyId }).map(backingKeyVersion);
  }

  aliasesOfKey(keyId: string, asOf?: AsOf): AliasVersion[] {
    return this.sql.all((a) => `SELECT * FROM tt_aliases WHERE target_key_id = @id AND ${validAt(a)} ORDER BY alias_name`, asOf, { id: keyId }).map(aliasVersion);
  }

  principal(arn: string, asOf?: AsOf): PrincipalVersion | null {
    const account = /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(arn)?.[1] ?? '';
    const row = this.sql.one((a) => `SELECT * FROM tt_principals WHERE account_id = @account AND arn = @id AND ${validAt(a)} ${latest(a)}`, asOf, { id: arn, account });
    return row === undefined ? null : principalVersion(row);
  }

  principalById(principalId: string, asOf?: AsOf): PrincipalVersion | null {
    const row = this.sql.one((a) => `SELECT * FROM tt_principals WHERE principal_id = @id AND ${validAt(a)} ${latest(a)}`, asOf, { id: principalId });
    return row === undefined ? null : principalVersion(row);
  }

  principalsOfAccount(accountId: string, asOf?: AsOf): PrincipalVersion[] {
    return this.sql.all((a) => `SELECT * FROM tt_principals WHERE account_id = @id AND ${validAt(a)} ORDER BY arn`, asOf, { id: accountId }).map(principalVersion);
  }

  identityPolicies(principalArn: string, asOf?: AsOf): IdentityPolicyVersion[] {
    const account = /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(principalArn)?.[1] ?? '';
    return this.sql.all(
      (a) => `SELECT * FROM tt_identity_policies WHERE account_id = @account AND principal_arn = @id AND ${validAt(a)} ORDER BY policy_name`,
      asOf,
      { id: principalArn, account },
    ).map(identityPolicyVersion);
  }

  accessKeysOf(principalArn: string, asOf?: AsOf): AccessKeyVersion[] {
    return this.sql.all((a) => `SELECT * FROM tt_access_keys WHERE principal_arn = @id AND ${validAt(a)} ORDER BY access_key_id`, asOf, { id: principalArn }).map(
      accessKeyVersion,
    );
  }

  keyHistory(keyId: string): KeyHistory {
    const rows = (sql: string) => this.sql.prepared(sql).all({ id: keyId }) as Row[];
    return {
      keys: rows(`SELECT * FROM tt_keys WHERE key_id = @id ${IN_ORDER}`).map(keyVersion),
      policies: rows(`SELECT * FROM tt_key_policies WHERE key_id = @id ${IN_ORDER}`).map(keyPolicyVersion),
      grants: rows(`SELECT * FROM tt_grants WHERE key_id = @id ${IN_ORDER}`).map(grantVersion),
      aliases: rows(`SELECT * FROM tt_aliases WHERE target_key_id = @id ${IN_ORDER}`).map(aliasVersion),
    };
  }

  principalHistory(principalArn: string): PrincipalHistory {
    const account = /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(principalArn)?.[1] ?? '';
    const rows = (sql: string) => this.sql.prepared(sql).all({ id: principalArn, account }) as Row[];
    return {
      principals: rows(`SELECT * FROM tt_principals WHERE account_id = @account AND arn = @id ${IN_ORDER}`).map(principalVersion),
      policies: rows(`SELECT * FROM tt_identity_policies WHERE account_id = @account AND principal_arn = @id ${IN_ORDER}`).map(identityPolicyVersion),
    };
  }

  keysChangedIn(range: Range): string[] {
    const axis = rangeAxis(range);
    const params = rangeParams(range);
    const bounds = { after: true, until: true };
    const keys = new Set<string>();
    for (const [table, column] of [['tt_keys', 'key_id'], ['tt_key_policies', 'key_id'], ['tt_grants', 'key_id'], ['tt_aliases', 'target_key_id']] as const) {
      for (const edge of ['from', 'to'] as const) {
        const sql = `SELECT DISTINCT ${column} AS key_id FROM ${table} WHERE ${edgeIn(axis, edge, bounds)}`;
        for (const row of this.sql.prepared(sql).all(params) as Row[]) keys.add(row['key_id'] as string);
      }
    }
    return [...keys].sort();
  }

  accountsChangedIn(range: Range): string[] {
    const axis = rangeAxis(range);
    const params = rangeParams(range);
    const accounts = new Set<string>();
    for (const table of ['tt_principals', 'tt_identity_policies']) {
      for (const edge of ['from', 'to'] as const) {
        const sql = `SELECT DISTINCT account_id FROM ${table} WHERE ${edgeIn(axis, edge, { after: true, until: true })}`;
        for (const row of this.sql.prepared(sql).all(params) as Row[]) accounts.add(row['account_id'] as string);
      }
    }
    return [...accounts].sort();
  }

  identityChangesIn(accountId: string, range: Range): PrincipalHistory {
    const axis = rangeAxis(range);
    const bounds = { after: true, until: true };
    const edges = `((${edgeIn(axis, 'from', bounds)}) OR (${edgeIn(axis, 'to', bounds)}))`;
    const rows = (table: string) => this.sql.prepared(`SELECT * FROM ${table} WHERE account_id = @id AND ${edges} ${IN_ORDER}`).all({ id: accountId, ...rangeParams(range) }) as Row[];
    return { principals: rows('tt_principals').map(principalVersion), policies: rows('tt_identity_policies').map(identityPolicyVersion) };
  }

  usage(keyId: string, range: Partial<Range>, limit: number): UsageRecord[] {
    const axis = rangeAxis(range);
    const bounds = { after: range.after !== undefined, until: range.until !== undefined };
    const conditions: string[] = [];
    if (axis === 'time') {
      if (bounds.after) conditions.push('time > @at');
      if (bounds.until) conditions.push('time <= @ut');
    } else {
      if (bounds.after) conditions.push('(commit_pos, prepare_pos) > (@ac, @ap)');
      if (bounds.until) conditions.push('(commit_pos, prepare_pos) <= (@uc, @up)');
    }
    const order = axis === 'time' ? 'time, commit_pos, prepare_pos' : 'commit_pos, prepare_pos';
    const sql = `SELECT * FROM tt_key_usage WHERE key_id = @id${conditions.map((c) => ` AND ${c}`).join('')} ORDER BY ${order} LIMIT @limit`;
    return (this.sql.prepared(sql).all({ id: keyId, limit, ...rangeParams(range) }) as Row[]).map(usageRecord);
  }

  keys(asOf?: AsOf): KeyVersion[] {
    return this.sql.all((a) => `SELECT * FROM tt_keys WHERE ${validAt(a)} ${IN_ORDER}`, asOf, {}).map(keyVersion);
  }

  accountIds(asOf?: AsOf): string[] {
    return this.sql.all((a) => `SELECT DISTINCT account_id FROM tt_principals WHERE ${validAt(a)} ORDER BY account_id`, asOf, {}).map((row) => row['account_id'] as string);
  }

  lastSuccessfulUse(keyId: string, operations: readonly string[], asOf?: AsOf): UsageRecord | null {
    const row = this.sql.one(
      (a) => `SELECT * FROM tt_key_usage WHERE key_id = @id AND error_code IS NULL AND operation IN (SELECT value FROM json_each(@ops))${usageAt(a)}
        ORDER BY time DESC, commit_pos DESC, prepare_pos DESC LIMIT 1`,
      asOf,
      { id: keyId, ops: JSON.stringify(operations) },
    );
    return row === undefined ? null : usageRecord(row);
  }

  lastUseAfterIdleness(keyId: string, operations: readonly string[], minimumGapMs: number, asOf?: AsOf): UsageRecord | null {
    // Half a millisecond of slack: the difference of two times in floating-point seconds.
    const row = this.sql.one(
      (a) => `SELECT * FROM (
          SELECT *, LAG(time) OVER (ORDER BY time, commit_pos, prepare_pos) AS previous_time FROM tt_key_usage
          WHERE key_id = @id AND error_code IS NULL AND operation IN (SELECT value FROM json_each(@ops))${usageAt(a)}
        ) WHERE previous_time IS NULL OR (unixepoch(time, 'subsec') - unixepoch(previous_time, 'subsec')) * 1000 >= @gap - 0.5
        ORDER BY time DESC, commit_pos DESC, prepare_pos DESC LIMIT 1`,
      asOf,
      { id: keyId, ops: JSON.stringify(operations), gap: minimumGapMs },
    );
    return row === undefined ? null : usageRecord(row);
  }
}

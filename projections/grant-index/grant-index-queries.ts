import type Database from 'better-sqlite3';
import type { GrantFilter, GrantListEntry, Page, PageRequest } from '../../src/application/kms/kms-read-side.js';

interface GrantRow {
  seq: number;
  grant_id: string;
  key_id: string;
  key_arn: string;
  name: string | null;
  grantee_principal: string;
  retiring_principal: string | null;
  issuing_account: string;
  operations: string;
  constraints: string | null;
  creation_date: string;
}

const COLUMNS = 'seq, grant_id, key_id, key_arn, name, grantee_principal, retiring_principal, issuing_account, operations, constraints, creation_date';

/** Reads of the grant index in creation order; the cursor is the `seq` of the last grant returned. */
export class GrantIndexQueries {
  private readonly byKey: Database.Statement<
    [{ keyId: string; grantId: string | null; grantee: string | null; after: number; limit: number }],
    GrantRow
  >;
  private readonly byRetiring: Database.Statement<[string, string, string, number, number], GrantRow>;
  private readonly byId: Database.Statement<[string], GrantRow>;

  constructor(db: Database.Database) {
    this.byKey = db.prepare(
      `SELECT ${COLUMNS} FROM kms_grant_index WHERE key_id = @keyId AND (@grantId IS NULL OR grant_id = @grantId)
         AND (@grantee IS NULL OR grantee_principal = @grantee) AND seq > @after ORDER BY seq LIMIT @limit`,
    );
    this.byRetiring = db.prepare(
      `SELECT ${COLUMNS} FROM kms_grant_index WHERE account_id = ? AND region = ? AND retiring_principal = ? AND seq > ? ORDER BY seq LIMIT ?`,
    );
    this.byId = db.prepare(`SELECT ${COLUMNS} FROM kms_grant_index WHERE grant_id = ?`);
  }

  listGrants(keyId: string, filter: GrantFilter, request: PageRequest): Page<GrantListEntry> {
    const rows = this.byKey.all({
      keyId,
      grantId: filter.grantId ?? null,
      grantee: filter.granteePrincipal ?? null,
      after: cursor(request),
      limit: request.limit + 1,
    });
    return page(rows, request);
  }

  listRetirableGrants(accountId: string, region: string, retiringPrincipal: string, request: PageRequest): Page<GrantListEntry> {
    return page(this.byRetiring.all(accountId, region, retiringPrincipal, cursor(request), request.limit + 1), request);
  }

  findGrant(grantId: string): GrantListEntry | null {
    const row = this.byId.get(grantId);
    return row === undefined ? null : entry(row);
  }
}

function cursor(request: PageRequest): number {
  const after = request.after === null ? 0 : Number(request.after);
  return Number.isSafeInteger(after) ? after : 0;
}

function page(rows: GrantRow[], request: PageRequest): Page<GrantListEntry> {
  const items = rows.slice(0, request.limit);
  return { items: items.map(entry), nextAfter: rows.length > request.limit ? String(items[items.length - 1]!.seq) : null };
}

function entry(row: GrantRow): GrantListEntry {
  return {
    keyId: row.key_id,
    keyArn: row.key_arn,
    grantId: row.grant_id,
    name: row.name,
    granteePrincipal: row.grantee_principal,
    retiringPrincipal: row.retiring_principal,
    issuingAccount: row.issuing_account,
    operations: JSON.parse(row.operations) as string[],
    constraints: row.constraints === null ? null : (JSON.parse(row.constraints) as GrantListEntry['constraints']),
    creationDate: row.creation_date,
  };
}

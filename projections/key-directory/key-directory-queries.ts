import type Database from 'better-sqlite3';
import type { KeyListEntry, Page, PageRequest } from '../../src/application/kms/kms-read-side.js';

/** Reads of the key directory; the cursor is the `seq` of the last key returned. */
export class KeyDirectoryQueries {
  private readonly page: Database.Statement<[string, string, number, number], { seq: number; key_id: string; arn: string }>;

  constructor(db: Database.Database) {
    this.page = db.prepare(
      'SELECT seq, key_id, arn FROM kms_key_directory WHERE account_id = ? AND region = ? AND seq > ? ORDER BY seq LIMIT ?',
    );
  }

  listKeys(accountId: string, region: string, request: PageRequest): Page<KeyListEntry> {
    const after = request.after === null ? 0 : Number(request.after);
    const rows = this.page.all(accountId, region, Number.isSafeInteger(after) ? after : 0, request.limit + 1);
    const items = rows.slice(0, request.limit);
    return {
      items: items.map((r) => ({ keyId: r.key_id, keyArn: r.arn })),
      nextAfter: rows.length > request.limit ? String(items[items.length - 1]!.seq) : null,
    };
  }
}

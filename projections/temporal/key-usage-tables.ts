import type Database from 'better-sqlite3';

/**
 * Where a call came from: who made it, from which address and agent, in which Region.
 * Every call repeats one of a few of them, so a usage row names its origin by id: a
 * narrower row is most of what a rebuild saves per call.
 */
export const ORIGIN_COLUMNS = [
  'event_source_type', 'caller_type', 'caller_arn', 'caller_account', 'principal_id', 'access_key_id', 'user_name', 'invoked_by', 'source_ip', 'user_agent',
  'region',
] as const;

/** One row per call and key. */
export const ROW_COLUMNS = [
  'key_id', 'time', 'commit_pos', 'prepare_pos', 'stream', 'revision', 'event_type', 'event_id', 'request_id', 'operation', 'origin_id',
  'encryption_context', 'error_code', 'error_message',
] as const;

/** What queries read, in this order: `tt_key_usage`, a view joining each row to its origin. */
const VIEW_COLUMNS = [
  ...ROW_COLUMNS.slice(0, ROW_COLUMNS.indexOf('origin_id')).map((c) => `u.${c}`),
  ...ORIGIN_COLUMNS.map((c) => `o.${c}`),
  ...ROW_COLUMNS.slice(ROW_COLUMNS.indexOf('origin_id') + 1).map((c) => `u.${c}`),
];

export function keyUsageDdl(db: Database.Database): void {
  // Version 1 kept whole rows in a table of the view's name; its version change rebuilds them.
  const existing = db.prepare<[], { type: string }>("SELECT type FROM sqlite_master WHERE name = 'tt_key_usage'").get();
  if (existing?.type === 'table') db.exec('DROP TABLE tt_key_usage');
  db.exec(`CREATE TABLE IF NOT EXISTS tt_key_usage_rows (${ROW_COLUMNS.join(', ')});
    CREATE TABLE IF NOT EXISTS tt_key_usage_origins (id INTEGER PRIMARY KEY, origin TEXT NOT NULL UNIQUE, ${ORIGIN_COLUMNS.join(', ')});
    CREATE VIEW IF NOT EXISTS tt_key_usage AS SELECT ${VIEW_COLUMNS.join(', ')} FROM tt_key_usage_rows u JOIN tt_key_usage_origins o ON o.id = u.origin_id;
    CREATE TABLE IF NOT EXISTS tt_key_usage_calls (time TEXT NOT NULL, key_id TEXT NOT NULL, event_id TEXT NOT NULL, PRIMARY KEY (time, key_id, event_id)) WITHOUT ROWID;`);
}

/** Made once caught up: a rebuild appends rows in log order, and one sort beats a million index inserts. */
export const USAGE_INDEX = 'CREATE INDEX IF NOT EXISTS tt_key_usage_key_time ON tt_key_usage_rows (key_id, time, commit_pos, prepare_pos)';

export const RESET_KEY_USAGE = `DROP INDEX IF EXISTS tt_key_usage_key_time;
  DELETE FROM tt_key_usage_rows; DELETE FROM tt_key_usage_origins; DELETE FROM tt_key_usage_calls;`;

export type Origin = readonly (string | null)[];
const CALLER_ARN = ORIGIN_COLUMNS.indexOf('caller_arn');

/** Length-prefixed, so no two origins share a key whatever their text holds. */
function keyOf(origin: Origin): string {
  let key = '';
  for (const value of origin) key += value === null ? '-' : `${value.length}:${value}`;
  return key;
}

function sameOrigin(a: Origin, b: Origin): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Something remembered per origin within one batch. Looked up by caller ARN and compared
 * value by value: building and hashing the whole origin as one key for every call costs
 * more than the few comparisons.
 */
export class KnownOrigins<T> {
  private readonly known = new Map<string | null, { readonly origin: Origin; readonly value: T }[]>();

  get(origin: Origin): T | undefined {
    for (const candidate of this.known.get(origin[CALLER_ARN]!) ?? []) if (sameOrigin(candidate.origin, origin)) return candidate.value;
    return undefined;
  }

  /** Keeps a copy of `origin`: the caller may reuse the array afterwards. */
  set(origin: Origin, value: T): void {
    const arn = origin[CALLER_ARN]!;
    let candidates = this.known.get(arn);
    if (candidates === undefined) this.known.set(arn, (candidates = []));
    candidates.push({ origin: [...origin], value });
  }
}

/**
 * The ids of origins in tt_key_usage_origins, remembered within one batch only (`forget`
 * after every transaction, committed or not: a rollback takes back the origins it added).
 */
export class OriginIds {
  private readonly find: Database.Statement<[string], { id: number }>;
  private readonly add: Database.Statement<unknown[]>;
  private known = new KnownOrigins<number | bigint>();

  constructor(db: Database.Database) {
    this.find = db.prepare('SELECT id FROM tt_key_usage_origins WHERE origin = ?');
    this.add = db.prepare(`INSERT INTO tt_key_usage_origins (origin, ${ORIGIN_COLUMNS.join(', ')}) VALUES (?${', ?'.repeat(ORIGIN_COLUMNS.length)})`);
  }

  /** `origin` holds the values of ORIGIN_COLUMNS, in order; the caller may reuse the array afterwards. */
  idOf(origin: Origin): number | bigint {
    const remembered = this.known.get(origin);
    if (remembered !== undefined) return remembered;
    const key = keyOf(origin);
    const id = this.find.get(key)?.id ?? this.add.run(key, ...origin).lastInsertRowid;
    this.known.set(origin, id);
    return id;
  }

  forget(): void {
    this.known = new KnownOrigins();
  }
}

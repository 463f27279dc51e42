import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../../src/application/ports/event-store.js';

/** The event a version begins or ends with: what every temporal answer cites. */
export interface EventCite {
  readonly time: string;
  readonly commit: bigint;
  readonly prepare: bigint;
  readonly stream: string;
  readonly revision: bigint;
  readonly type: string;
  readonly eventId: string;
}

const NORMAL_TIME = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

/** The time of the call that caused the event (the injected clock), normalised to ISO-8601 with milliseconds. */
export function eventTime(event: RecordedEvent): string {
  const time = event.metadata['time'];
  if (typeof time === 'string') {
    // Already in the normal form (every day here exists in every month): parsing and
    // printing it would give it back unchanged.
    if (NORMAL_TIME.test(time)) return time;
    const ms = Date.parse(time);
    if (!Number.isNaN(ms)) return new Date(ms).toISOString();
  }
  return event.created.toISOString();
}

export function citeOf(event: RecordedEvent): EventCite {
  const eventId = event.metadata['eventId'];
  return {
    time: eventTime(event),
    commit: event.position.commit,
    prepare: event.position.prepare,
    stream: event.stream,
    revision: event.revision,
    type: event.type,
    eventId: typeof eventId === 'string' ? eventId : event.id,
  };
}

export interface VersionTableSpec {
  readonly table: string;
  /** The columns that name one thing; its versions share them. */
  readonly entity: readonly string[];
  /** What a version says about the thing. */
  readonly columns: readonly string[];
  /**
   * Further lookup paths (column lists) that only queries take, each followed by from_time
   * and by position. Their indexes are made once the projection has caught up, not kept up
   * row by row during a rebuild.
   */
  readonly lookups?: readonly (readonly string[])[];
  /** Lookup paths (same shape) that `apply` itself takes: indexed from the start. */
  readonly applyLookups?: readonly (readonly string[])[];
  /**
   * Whether "what changed between T1 and T2" scans the table by its edges (default yes).
   * A table never asked that keeps no edge indexes: every index is written by a rebuild.
   */
  readonly changesQueried?: boolean;
  /**
   * Paths the KMS operations take to things as they are now: partial indexes over the open
   * versions only (to_commit IS NULL, and `where` if given), so a list of live things pages
   * through live things alone however long their history. Made with the query indexes.
   */
  readonly current?: readonly CurrentPath[];
}

export interface CurrentPath {
  readonly path: readonly string[];
  /** A further condition every open version in the index meets; queries must repeat it word for word. */
  readonly where?: string;
}

export type Row = Record<string, unknown>;

const lookupIndex = (table: string, name: string, path: readonly string[]) =>
  `CREATE INDEX IF NOT EXISTS ${table}_${name} ON ${table} (${[...path, 'from_time', 'from_commit', 'from_prepare'].join(', ')});`;

/**
 * A table in which a thing is never overwritten: each change closes the open version
 * (valid-to = the changing event) and opens a new one (valid-from = that event). A version
 * is valid over [from, to) in both time and global position, so "as of" is a range lookup
 * on (thing, from_*). Within one thing versions are ordered by position; a version's time
 * is its event's call time, raised to its predecessor's when a clock went backwards, so
 * the time order of one thing's versions never contradicts their log order.
 *
 * Creates the table and the indexes its writer needs: by thing, and the paths `apply` looks up.
 */
export function versionTableDdl(spec: VersionTableSpec): string {
  const { table, entity, columns } = spec;
  const cols = [...entity.map((c) => `${c} NOT NULL`), ...columns, 'from_time TEXT NOT NULL', 'from_commit INTEGER NOT NULL', 'from_prepare INTEGER NOT NULL',
    'from_stream TEXT NOT NULL', 'from_revision INTEGER NOT NULL', 'from_type TEXT NOT NULL', 'from_event_id TEXT NOT NULL',
    'to_time TEXT', 'to_commit INTEGER', 'to_prepare INTEGER', 'to_stream TEXT', 'to_revision INTEGER', 'to_type TEXT'];
  // Each index ends in from_time: as-of by time is a range on it, as-of by position filters
  // the (few) versions of the thing.
  return [
    `CREATE TABLE IF NOT EXISTS ${table} (${cols.join(', ')});`,
    lookupIndex(table, 't0', entity),
    ...(spec.applyLookups ?? []).map((path, i) => lookupIndex(table, `a${i + 1}`, path)),
  ].join('\n');
}

/**
 * Creates the version tables of projection `owner`, first dropping one whose columns are not
 * those of its spec (a table of an earlier version of the projection). Its checkpoint goes
 * with it, so the runner rebuilds from zero even if the version was not bumped.
 */
export function migrateVersionTables(db: Database.Database, specs: readonly VersionTableSpec[], owner: string): void {
  for (const spec of specs) {
    const existing = (db.prepare('SELECT name FROM pragma_table_info(?)').all(spec.table) as { name: string }[]).map((c) => c.name);
    if (existing.length > 0 && !sameColumns(existing, spec)) {
      db.exec(`DROP TABLE ${spec.table};`);
      db.prepare('DELETE FROM projection_checkpoints WHERE name = ?').run(owner);
    }
    db.exec(versionTableDdl(spec));
  }
}

function sameColumns(existing: readonly string[], spec: VersionTableSpec): boolean {
  const expected = [...spec.entity, ...spec.columns];
  return expected.every((c) => existing.includes(c)) && existing.filter((c) => !c.startsWith('from_') && !c.startsWith('to_')).length === expected.length;
}

/**
 * The indexes only queries use: the further lookup paths and, unless the table is never
 * asked "what changed between T1 and T2", its edges (versions that began, or ended, in a
 * range). Made when the projection has caught up: one sort is far cheaper than keeping
 * them up row by row while a rebuild writes every version.
 */
export function queryIndexesDdl(spec: VersionTableSpec): string {
  const { table } = spec;
  const lookups = (spec.lookups ?? []).map((path, i) => lookupIndex(table, `t${i + 1}`, path));
  const edges = spec.changesQueried === false
    ? []
    : [`CREATE INDEX IF NOT EXISTS ${table}_to_time ON ${table} (to_time) WHERE to_time IS NOT NULL;`, `CREATE INDEX IF NOT EXISTS ${table}_from_time ON ${table} (from_time);`];
  const current = (spec.current ?? []).map(
    ({ path, where }, i) => `CREATE INDEX IF NOT EXISTS ${table}_c${i + 1} ON ${table} (${path.join(', ')}) WHERE to_commit IS NULL${where === undefined ? '' : ` AND ${where}`};`,
  );
  return [...lookups, ...current, ...edges].join('\n');
}

/**
 * Drops the query-only indexes before a rebuild (and one lookup path beyond the current
 * ones: a path since given up, whose index was next in line).
 */
export function dropQueryIndexesDdl(spec: VersionTableSpec): string {
  const { table } = spec;
  const numbered = (prefix: string, count: number) => Array.from({ length: count + 1 }, (_, i) => `${prefix}${i + 1}`);
  const names = [...numbered('t', spec.lookups?.length ?? 0), ...numbered('c', spec.current?.length ?? 0), 'to_time', 'from_time'];
  return names.map((name) => `DROP INDEX IF EXISTS ${table}_${name};`).join('\n');
}

/** Closes a version at an event: positional, as binding by name costs more than the update. */
const CLOSE_SET = 'to_time = max(?, from_time), to_commit = ?, to_prepare = ?, to_stream = ?, to_revision = ?, to_type = ?';
const closeParams = (cite: EventCite) => [cite.time, cite.commit, cite.prepare, cite.stream, cite.revision, cite.type];

interface OpenVersion {
  readonly rowid: number | bigint;
  readonly row: Row;
}

/**
 * The writing side of one version table, with its statements prepared once. Within one
 * batch (one transaction of the runner) it remembers each thing's open version and its
 * rowid, so a thing changed many times costs one lookup, and closing a version is an
 * update by rowid. Writes go straight to the table; only lookups are remembered, and
 * `forget` (after every transaction, committed or not) drops them.
 */
export class VersionWriter {
  private readonly currentStmt: Database.Statement;
  private readonly closeStmt: Database.Statement;
  private readonly closeByRowidStmt: Database.Statement;
  private readonly insertStmt: Database.Statement;
  /** Entity key -> its open version, or null when it has none. */
  private openVersions = new Map<string, OpenVersion | null>();

  constructor(db: Database.Database, private readonly spec: VersionTableSpec) {
    const { table, entity, columns } = spec;
    const where = entity.map((c) => `${c} = ?`).join(' AND ');
    this.currentStmt = db.prepare(`SELECT rowid AS rowid__, * FROM ${table} WHERE ${where} AND to_commit IS NULL`);
    this.closeStmt = db.prepare(`UPDATE ${table} SET ${CLOSE_SET} WHERE ${where} AND to_commit IS NULL`);
    this.closeByRowidStmt = db.prepare(`UPDATE ${table} SET ${CLOSE_SET} WHERE rowid = ? AND to_commit IS NULL`);
    const insertColumns = [...entity, ...columns, 'from_time', 'from_commit', 'from_prepare', 'from_stream', 'from_revision', 'from_type', 'from_event_id'];
    this.insertStmt = db.prepare(`INSERT INTO ${table} (${insertColumns.join(', ')}) VALUES (${insertColumns.map(() => '?').join(', ')})`);
  }

  /** The open version of a thing, if it exists now. */
  current(entity: Row): Row | undefined {
    return this.lookup(this.keyOf(entity), entity)?.row;
  }

  /** Ends the open version (if any) at `cite`; returns whether there was one. */
  close(entity: Row, cite: EventCite): boolean {
    return this.closeKeyed(this.keyOf(entity), entity, cite);
  }

  /**
   * Starts a new version from `cite`, ending the open one. `previous` (the open version,
   * or null when the caller knows there is none) saves a lookup.
   */
  open(entity: Row, values: Row, cite: EventCite, known?: Row | null): void {
    const key = this.keyOf(entity);
    const previous = known === undefined ? this.lookup(key, entity)?.row : (known ?? undefined);
    const floor = previous === undefined ? undefined : (previous['from_time'] as string);
    const from = floor !== undefined && floor > cite.time ? { ...cite, time: floor } : cite;
    if (previous !== undefined) this.closeKeyed(key, entity, from);
    // The parameters in the order of the insert's columns, and the row as the table now holds it,
    // so a remembered version reads like a selected one.
    const params: unknown[] = [];
    const row: Row = {};
    const put = (column: string, value: unknown) => {
      row[column] = value;
      params.push(value);
    };
    for (const c of this.spec.entity) put(c, entity[c] ?? null);
    for (const c of this.spec.columns) put(c, values[c] ?? null);
    put('from_time', from.time);
    put('from_commit', from.commit);
    put('from_prepare', from.prepare);
    put('from_stream', from.stream);
    put('from_revision', from.revision);
    put('from_type', from.type);
    put('from_event_id', from.eventId);
    row['to_time'] = row['to_commit'] = row['to_prepare'] = row['to_stream'] = row['to_revision'] = row['to_type'] = null;
    const { lastInsertRowid } = this.insertStmt.run(params);
    this.openVersions.set(key, { rowid: lastInsertRowid, row });
  }

  /** Drops what this batch remembered: the next transaction may see other writers' rows. */
  forget(): void {
    if (this.openVersions.size > 0) this.openVersions = new Map();
  }

  private closeKeyed(key: string, entity: Row, cite: EventCite): boolean {
    const known = this.openVersions.get(key);
    this.openVersions.set(key, null);
    if (known === null) return false;
    if (known !== undefined) return this.closeByRowidStmt.run(...closeParams(cite), known.rowid).changes > 0;
    return this.closeStmt.run(...closeParams(cite), ...this.entityValues(entity)).changes > 0;
  }

  private lookup(key: string, entity: Row): OpenVersion | undefined {
    const known = this.openVersions.get(key);
    if (known !== undefined) return known ?? undefined;
    const selected = this.currentStmt.get(...this.entityValues(entity)) as Row | undefined;
    if (selected === undefined) {
      this.openVersions.set(key, null);
      return undefined;
    }
    const { rowid__: rowid, ...row } = selected;
    const found = { rowid: rowid as number | bigint, row };
    this.openVersions.set(key, found);
    return found;
  }

  private keyOf(entity: Row): string {
    const { entity: columns } = this.spec;
    // Typed, as SQLite tells the text '1' from the number 1 (and 1 from 1n it does not).
    const part = (v: unknown) => (typeof v === 'string' ? `s${v}` : `n${String(v)}`);
    if (columns.length === 1) return part(entity[columns[0]!]);
    return columns.map((c) => part(entity[c])).join('\u0000');
  }

  private entityValues(entity: Row): unknown[] {
    return this.spec.entity.map((c) => entity[c]);
  }
}

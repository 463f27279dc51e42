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
  /** Further lookup paths (column lists), each followed by from_time and by position. */
  readonly lookups?: readonly (readonly string[])[];
  /**
   * Whether "what changed between T1 and T2" scans the table by its edges (default yes).
   * A table never asked that keeps no edge indexes: every index is written by a rebuild.
   */
  readonly changesQueried?: boolean;
}

export type Row = Record<string, unknown>;

/**
 * A table in which a thing is never overwritten: each change closes the open version
 * (valid-to = the changing event) and opens a new one (valid-from = that event). A version
 * is valid over [from, to) in both time and global position, so "as of" is a range lookup
 * on (thing, from_*). Within one thing versions are ordered by position; a version's time
 * is its event's call time, raised to its predecessor's when a clock went backwards, so
 * the time order of one thing's versions never contradicts their log order.
 */
export function versionTableDdl(spec: VersionTableSpec): string {
  const { table, entity, columns } = spec;
  const cols = [...entity.map((c) => `${c} NOT NULL`), ...columns, 'from_time TEXT NOT NULL', 'from_commit INTEGER NOT NULL', 'from_prepare INTEGER NOT NULL',
    'from_stream TEXT NOT NULL', 'from_revision INTEGER NOT NULL', 'from_type TEXT NOT NULL', 'from_event_id TEXT NOT NULL',
    'to_time TEXT', 'to_commit INTEGER', 'to_prepare INTEGER', 'to_stream TEXT', 'to_revision INTEGER', 'to_type TEXT'];
  // One index per lookup path, ending in from_time: as-of by time is a range on it, as-of by
  // position filters the (few) versions of the thing. Fewer indexes keep a rebuild fast.
  const paths = [entity, ...(spec.lookups ?? [])];
  const indexes = paths.map((path, i) => `CREATE INDEX IF NOT EXISTS ${table}_t${i} ON ${table} (${[...path, 'from_time', 'from_commit', 'from_prepare'].join(', ')});`);
  // "What changed between T1 and T2" across all things: versions that began, or ended, in the range.
  const edges = spec.changesQueried === false
    ? [`DROP INDEX IF EXISTS ${table}_to_time;`, `DROP INDEX IF EXISTS ${table}_from_time;`]
    : [`CREATE INDEX IF NOT EXISTS ${table}_to_time ON ${table} (to_time) WHERE to_time IS NOT NULL;`, `CREATE INDEX IF NOT EXISTS ${table}_from_time ON ${table} (from_time);`];
  return [
    `CREATE TABLE IF NOT EXISTS ${table} (${cols.join(', ')});`,
    ...indexes,
    // A lookup path since given up (its index was the next one in line): stop writing it.
    `DROP INDEX IF EXISTS ${table}_t${paths.length};`,
    ...edges,
  ].join('\n');
}

function citeParams(prefix: 'from' | 'to', cite: EventCite): Row {
  return {
    [`${prefix}_time`]: cite.time,
    [`${prefix}_commit`]: cite.commit,
    [`${prefix}_prepare`]: cite.prepare,
    [`${prefix}_stream`]: cite.stream,
    [`${prefix}_revision`]: cite.revision,
    [`${prefix}_type`]: cite.type,
    ...(prefix === 'from' ? { from_event_id: cite.eventId } : {}),
  };
}

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
  private readonly insertColumns: readonly string[];
  private readonly toColumns = ['to_time', 'to_commit', 'to_prepare', 'to_stream', 'to_revision', 'to_type'] as const;
  /** Entity key -> its open version, or null when it has none. */
  private openVersions = new Map<string, OpenVersion | null>();

  constructor(db: Database.Database, private readonly spec: VersionTableSpec) {
    const { table, entity, columns } = spec;
    const where = entity.map((c) => `${c} = @${c}`).join(' AND ');
    const set = `to_time = max(@to_time, from_time), to_commit = @to_commit, to_prepare = @to_prepare, to_stream = @to_stream,
         to_revision = @to_revision, to_type = @to_type`;
    this.currentStmt = db.prepare(`SELECT rowid AS rowid__, * FROM ${table} WHERE ${where} AND to_commit IS NULL`);
    this.closeStmt = db.prepare(`UPDATE ${table} SET ${set} WHERE ${where} AND to_commit IS NULL`);
    this.closeByRowidStmt = db.prepare(`UPDATE ${table} SET ${set} WHERE rowid = @rowid AND to_commit IS NULL`);
    this.insertColumns = [...entity, ...columns, 'from_time', 'from_commit', 'from_prepare', 'from_stream', 'from_revision', 'from_type', 'from_event_id'];
    this.insertStmt = db.prepare(`INSERT INTO ${table} (${this.insertColumns.join(', ')}) VALUES (${this.insertColumns.map(() => '?').join(', ')})`);
  }

  /** The open version of a thing, if it exists now. */
  current(entity: Row): Row | undefined {
    return this.lookup(entity)?.row;
  }

  /** Ends the open version (if any) at `cite`; returns whether there was one. */
  close(entity: Row, cite: EventCite): boolean {
    const key = this.keyOf(entity);
    const known = this.openVersions.get(key);
    this.openVersions.set(key, null);
    if (known === null) return false;
    if (known !== undefined) return this.closeByRowidStmt.run({ rowid: known.rowid, ...citeParams('to', cite) }).changes > 0;
    return this.closeStmt.run({ ...this.pick(entity), ...citeParams('to', cite) }).changes > 0;
  }

  /**
   * Starts a new version from `cite`, ending the open one. `previous` (the open version,
   * or null when the caller knows there is none) saves a lookup.
   */
  open(entity: Row, values: Row, cite: EventCite, known?: Row | null): void {
    const previous = known === undefined ? this.current(entity) : (known ?? undefined);
    const floor = previous === undefined ? undefined : (previous['from_time'] as string);
    const from = floor !== undefined && floor > cite.time ? { ...cite, time: floor } : cite;
    if (previous !== undefined) this.close(entity, from);
    const merged: Row = { ...values, ...this.pick(entity), ...citeParams('from', from) };
    // The row as the table now holds it, so a remembered version reads like a selected one.
    const row: Row = {};
    for (const c of this.insertColumns) row[c] = merged[c] ?? null;
    for (const c of this.toColumns) row[c] = null;
    const { lastInsertRowid } = this.insertStmt.run(this.insertColumns.map((c) => row[c]));
    this.openVersions.set(this.keyOf(entity), { rowid: lastInsertRowid, row });
  }

  /** Drops what this batch remembered: the next transaction may see other writers' rows. */
  forget(): void {
    if (this.openVersions.size > 0) this.openVersions = new Map();
  }

  private lookup(entity: Row): OpenVersion | undefined {
    const key = this.keyOf(entity);
    const known = this.openVersions.get(key);
    if (known !== undefined) return known ?? undefined;
    const selected = this.currentStmt.get(this.pick(entity)) as Row | undefined;
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

  private pick(entity: Row): Row {
    const out: Row = {};
    for (const c of this.spec.entity) out[c] = entity[c];
    return out;
  }
}

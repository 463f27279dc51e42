import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type {
  AppendResult,
  EventFilter,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  GlobalPosition,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeToAllOptions,
  Subscription,
} from '../../../application/ports/event-store.js';
import { StreamDeletedError, WrongExpectedRevisionError } from '../../../application/ports/event-store-errors.js';
import { prepareDatabase } from './schema.js';
import { filterKey, filterPredicate } from './sql-filter.js';
import { pagedIterable } from './paged-iterable.js';
import { SqliteSubscription } from './sqlite-subscription.js';

export interface SqliteEventStoreOptions {
  /** Events read per query by readAll, readStream and subscriptions. */
  readonly pageSize?: number;
  /**
   * How often a live subscription looks for events appended by another process on the
   * same file. Appends made through this instance wake subscribers at once.
   */
  readonly pollIntervalMs?: number;
}

export type Row = [position: number, id: string, stream: string, revision: number, type: string, data: string, metadata: string, created: number];

interface PendingAppend {
  readonly stream: string;
  readonly events: readonly EventToAppend[];
  readonly expected: ExpectedRevision;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

type Outcome = { ok: true; result: AppendResult } | { ok: false; error: unknown };

const COLUMNS = 'position, id, stream, revision, type, data, metadata, created';

/**
 * The embedded engine: one SQLite file. Appends that arrive in the same turn of the
 * event loop are written in one transaction (group commit): one fsync acknowledges all
 * of them, yet each append succeeds or fails on its own, atomically.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly pageSize: number;
  readonly pollIntervalMs: number;
  private pending: PendingAppend[] = [];
  private flushScheduled = false;
  private readonly waiters = new Set<() => void>();
  private readonly subscriptions = new Set<SqliteSubscription>();
  private closed = false;
  private readonly allStatements = new Map<string, Database.Statement>();

  private readonly stmt: {
    streamRow: Database.Statement<[string], { revision: number; deleted: number }>;
    upsertStream: Database.Statement<[string, number]>;
    insertEvent: Database.Statement<[string, string, number, string, string, string, number]>;
    readForwards: Database.Statement<[string, number, number]>;
    readBackwards: Database.Statement<[string, number, number]>;
    lastPosition: Database.Statement<[], { p: number | null }>;
    deleteEvents: Database.Statement<[string]>;
    tombstone: Database.Statement<[string]>;
  };

  static open(path: string, options: SqliteEventStoreOptions = {}): SqliteEventStore {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    return new SqliteEventStore(new Database(path), options);
  }

  private constructor(db: Database.Database, options: SqliteEventStoreOptions) {
    this.db = db;
    this.pageSize = options.pageSize ?? 1000;
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    prepareDatabase(db);
    this.stmt = {
      streamRow: db.prepare('SELECT revision, deleted FROM streams WHERE stream = ?'),
      upsertStream: db.prepare(
        'INSERT INTO streams (stream, revision) VALUES (?, ?) ON CONFLICT (stream) DO UPDATE SET revision = excluded.revision',
      ),
      insertEvent: db.prepare(
        'INSERT INTO events (id, stream, revision, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      readForwards: db
        .prepare(`SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`)
        .raw(),
      readBackwards: db
        .prepare(`SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`)
        .raw(),
      lastPosition: db.prepare('SELECT max(position) AS p FROM events'),
      deleteEvents: db.prepare('DELETE FROM events WHERE stream = ?'),
      tombstone: db.prepare(
        'INSERT INTO streams (stream, revision, deleted) VALUES (?, -1, 1) ON CONFLICT (stream) DO UPDATE SET deleted = 1',
      ),
    };
  }

  append(stream: string, events: readonly EventToAppend[], expectedRevision: ExpectedRevision = 'any'): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error('The event store is closed'));
    if (events.length === 0) return Promise.reject(new RangeError('An append needs at least one event'));
    return new Promise<AppendResult>((resolve, reject) => {
      this.pending.push({ stream, events, expected: expectedRevision, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    let outcomes: Outcome[];
    try {
      outcomes = this.writeBatch(batch, false);
    } catch {
      // Something failed half-way through an append (a duplicate event id, say): write the
      // batch again with a savepoint per append, so that only the faulty one fails.
      try {
        outcomes = this.writeBatch(batch, true);
      } catch (error) {
        for (const request of batch) request.reject(error);
        return;
      }
    }
    batch.forEach((request, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) request.resolve(outcome.result);
      else request.reject(outcome.error);
    });
    this.wakeSubscribers();
  }

  /**
   * The fast path writes without savepoints: expected-revision conflicts are found before
   * anything is written, so only an unexpected fault can interrupt an append, and that
   * throws the whole transaction back for the careful path.
   */
  private writeBatch(batch: readonly PendingAppend[], isolated: boolean): Outcome[] {
    return this.db.transaction(() =>
      batch.map((request): Outcome => {
        try {
          const result = isolated ? this.db.transaction(() => this.writeAppend(request))() : this.writeAppend(request);
          return { ok: true, result };
        } catch (error) {
          if (!isolated && !(error instanceof WrongExpectedRevisionError || error instanceof StreamDeletedError)) throw error;
          return { ok: false, error };
        }
      }),
    )();
  }

  private writeAppend({ stream, events, expected }: PendingAppend): AppendResult {
    const current = checkExpectedRevision(stream, expected, this.stmt.streamRow.get(stream));
    const created = Date.now();
    let revision = current;
    let position = 0;
    for (const event of events) {
      revision += 1;
      const info = this.stmt.insertEvent.run(
        event.id ?? randomUUID(),
        stream,
        revision,
        event.type,
        JSON.stringify(event.data),
        JSON.stringify(event.metadata ?? {}),
        created,
      );
      position = Number(info.lastInsertRowid);
    }
    this.stmt.upsertStream.run(stream, revision);
    return { nextExpectedRevision: BigInt(revision), position: toPosition(position) };
  }

  readStream(stream: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision;
    let next = from === 'start' ? 0 : from === 'end' || (from === undefined && backwards) ? Number.MAX_SAFE_INTEGER : Number(from ?? 0);
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    let checked = false;
    const statement = backwards ? this.stmt.readBackwards : this.stmt.readForwards;
    return pagedIterable(() => {
      if (!checked) {
        // Checked on first read, as EventStoreDB reports a deleted stream while reading.
        checked = true;
        const row = this.stmt.streamRow.get(stream);
        if (row?.deleted) throw new StreamDeletedError(stream);
        if ((from === 'end' && !backwards) || (from === 'start' && backwards)) remaining = 0;
        // The row holds the stream's last revision: a forward read past it (a cached state asking
        // "anything new?") or of a stream that does not exist needs no query of the events.
        if (!backwards && (row === undefined || row.revision < next)) remaining = 0;
      }
      if (remaining <= 0 || next < 0) return null;
      const rows = statement.all(stream, next, Math.min(this.pageSize, remaining)) as Row[];
      if (rows.length === 0) return null;
      remaining -= rows.length;
      const last = rows[rows.length - 1]![3];
      next = backwards ? last - 1 : last + 1;
      if (rows.length < this.pageSize) remaining = 0;
      return rows;
    }, toRecorded);
  }

  readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    const backwards = options.direction === 'backwards';
    const from = options.fromPosition;
    let next = from === 'start' ? 0 : from === 'end' || (from === undefined && backwards) ? Number.MAX_SAFE_INTEGER : Number(from?.commit ?? 0);
    let remaining = (from === 'end' && !backwards) || (from === 'start' && backwards) ? 0 : (options.maxCount ?? Number.POSITIVE_INFINITY);
    return pagedIterable(() => {
      if (remaining <= 0 || next < 0) return null;
      const rows = this.readAllPage(options.filter, backwards, next, Math.min(this.pageSize, remaining), true);
      if (rows.length === 0) return null;
      remaining -= rows.length;
      const last = rows[rows.length - 1]![0];
      next = backwards ? last - 1 : last + 1;
      if (rows.length < this.pageSize) remaining = 0;
      return rows;
    }, toRecorded);
  }

  /** One page of the global log; `inclusive` decides whether `from` itself is read. */
  readAllPage(filter: EventFilter | undefined, backwards: boolean, from: number, limit: number, inclusive: boolean): Row[] {
    const key = `${backwards ? 'b' : 'f'}${inclusive ? 'i' : 'x'}${filterKey(filter)}`;
    let statement = this.allStatements.get(key);
    const predicate = filterPredicate(filter);
    if (!statement) {
      const op = backwards ? (inclusive ? '<=' : '<') : inclusive ? '>=' : '>';
      statement = this.db
        .prepare(
          `SELECT ${COLUMNS} FROM events WHERE position ${op} ? AND ${predicate.sql} ORDER BY position ${backwards ? 'DESC' : ''} LIMIT ?`,
        )
        .raw();
      this.allStatements.set(key, statement);
    }
    return statement.all(from, ...predicate.params, limit) as Row[];
  }

  lastPosition(): number {
    return this.stmt.lastPosition.get()?.p ?? 0;
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): Subscription {
    const subscription = new SqliteSubscription(this, options, this.pageSize, (s) => this.subscriptions.delete(s));
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** Resolves at the next append through this instance, or after the poll interval. */
  waitForAppend(): { promise: Promise<void>; cancel(): void } {
    let wake!: () => void;
    const promise = new Promise<void>((resolve) => (wake = resolve));
    const timer = setTimeout(() => done(), this.pollIntervalMs);
    const done = () => {
      clearTimeout(timer);
      this.waiters.delete(done);
      wake();
    };
    this.waiters.add(done);
    return { promise, cancel: done };
  }

  private wakeSubscribers(): void {
    for (const wake of [...this.waiters]) wake();
  }

  async deleteStream(stream: string, expectedRevision: ExpectedRevision = 'any'): Promise<void> {
    // Through the write queue, so a delete is ordered with the appends around it.
    await this.flushPending();
    this.db.transaction(() => {
      checkExpectedRevision(stream, expectedRevision, this.stmt.streamRow.get(stream));
      this.stmt.deleteEvents.run(stream);
      this.stmt.tombstone.run(stream);
    })();
  }

  private async flushPending(): Promise<void> {
    if (this.pending.length > 0) this.flush();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    this.db.close();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}

/** Returns the stream's current revision (-1 when it has no events) or throws. */
function checkExpectedRevision(
  stream: string,
  expected: ExpectedRevision,
  row: { revision: number; deleted: number } | undefined,
): number {
  if (row?.deleted) throw new StreamDeletedError(stream);
  const current = row ? row.revision : -1;
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && current < 0) ||
    (expected === 'stream_exists' && current >= 0) ||
    (typeof expected === 'bigint' && BigInt(current) === expected);
  if (!ok) throw new WrongExpectedRevisionError(stream, expected, current < 0 ? 'no_stream' : BigInt(current));
  return current;
}

export function toPosition(n: number): GlobalPosition {
  const b = BigInt(n);
  return { commit: b, prepare: b };
}

export function toRecorded(r: Row): RecordedEvent {
  return {
    position: toPosition(r[0]),
    id: r[1],
    stream: r[2],
    revision: BigInt(r[3]),
    type: r[4],
    data: JSON.parse(r[5]),
    metadata: JSON.parse(r[6]),
    created: new Date(r[7]),
  };
}

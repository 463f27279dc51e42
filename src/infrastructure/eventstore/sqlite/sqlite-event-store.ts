import { newEventId } from '../event-id.js';
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
  JsonObject,
  JsonValue,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeToAllOptions,
  Subscription,
} from '../../../application/ports/event-store.js';
import { StreamDeletedError, WrongExpectedRevisionError } from '../../../application/ports/event-store-errors.js';
import { createBatchWriter, type EncodedEvent, type WriteError, type WriteOp, type WriteOutcome } from './batch-writer.js';
import { prepareDatabase } from './schema.js';
import { filterAccepts, filterKey, filterPredicate } from './sql-filter.js';
import { pagedIterable } from './paged-iterable.js';
import { SqliteSubscription } from './sqlite-subscription.js';
import { RecentRows } from './recent-rows.js';
import { WriterThread } from './writer-thread.js';

export interface SqliteEventStoreOptions {
  /** Events read per query by readAll, readStream and subscriptions. */
  readonly pageSize?: number;
  /**
   * How often a live subscription looks for events appended by another process on the
   * same file. Appends made through this instance wake subscribers at once.
   */
  readonly pollIntervalMs?: number;
  /**
   * Write on a worker thread so the fsync of a commit never holds this thread. Off by
   * default: measured on two cores, the message round trip cost more (single-event appends
   * about 17% slower, the KMS endpoint no faster) than the fsync it takes off this thread.
   * An in-memory database lives in one connection, so it is always written here.
   */
  readonly writerThread?: boolean;
}

export type Row = [position: number, id: string, stream: string, revision: number, type: string, data: string, metadata: string, created: number];

interface PendingOp {
  readonly op: WriteOp;
  resolve(outcome: WriteOutcome & { ok: true }): void;
  reject(error: unknown): void;
}

interface Writer {
  write(ops: readonly WriteOp[]): Promise<WriteOutcome[]>;
  close(): Promise<void>;
}

const MAX_BATCHES_IN_FLIGHT = 1;
/** Subscription pages kept for sharing within a turn of the event loop. */
const SHARED_PAGES = 4;
/** How many pages' worth of positions one filtered subscription read looks through at most. */
const SCAN_WINDOW_PAGES = 10;

export interface SubscriptionPage {
  readonly rows: Row[];
  /** Every position up to this one has been delivered in `rows` or left out by the filter. */
  readonly scannedTo: number;
}

const COLUMNS = 'position, id, stream, revision, type, data, metadata, created';

/**
 * The embedded engine: one SQLite file. Appends (and deletes) that arrive in the same
 * turn of the event loop, or while the writer is busy with earlier ones, are written in
 * one transaction (group commit): one fsync acknowledges all of them, yet each succeeds or
 * fails on its own, atomically. On a file the writing happens on a writer thread with its
 * own connection; this thread keeps a connection for reads (WAL lets them run beside it).
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly pageSize: number;
  readonly pollIntervalMs: number;
  private readonly writer: Writer;
  private pending: PendingOp[] = [];
  private flushScheduled = false;
  /** Batches sent to the writer and not yet answered. */
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  private readonly waiters = new Set<() => void>();
  private readonly subscriptions = new Set<SqliteSubscription>();
  private closed = false;
  private readonly allStatements = new Map<string, Database.Statement>();
  private readonly sharedPages = new Map<string, SubscriptionPage>();
  private readonly recent = new RecentRows();

  private readonly stmt: {
    streamRow: Database.Statement<[string], { revision: number; deleted: number }>;
    readForwards: Database.Statement<[string, number, number]>;
    readBackwards: Database.Statement<[string, number, number]>;
    lastPosition: Database.Statement<[], { p: number | null }>;
    lastPositionOfStream: Database.Statement<[string], { position: number }>;
  };

  static open(path: string, options: SqliteEventStoreOptions = {}): SqliteEventStore {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    return new SqliteEventStore(new Database(path), path, options);
  }

  private constructor(db: Database.Database, path: string, options: SqliteEventStoreOptions) {
    this.db = db;
    this.pageSize = options.pageSize ?? 1000;
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    // The schema first, so the writer thread opens a ready file.
    prepareDatabase(db);
    const threaded = path !== ':memory:' && path !== '' && (options.writerThread ?? false);
    this.writer = threaded ? new WriterThread(path) : inThreadWriter(db);
    this.stmt = {
      streamRow: db.prepare('SELECT revision, deleted FROM streams WHERE stream = ?'),
      readForwards: db
        .prepare(`SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`)
        .raw(),
      readBackwards: db
        .prepare(`SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`)
        .raw(),
      lastPosition: db.prepare('SELECT max(position) AS p FROM events'),
      lastPositionOfStream: db.prepare('SELECT position FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1'),
    };
  }

  append(stream: string, events: readonly EventToAppend[], expectedRevision: ExpectedRevision = 'any'): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error('The event store is closed'));
    if (events.length === 0) return Promise.reject(new RangeError('An append needs at least one event'));
    let encoded: EncodedEvent[];
    try {
      // Encoded now: what is written is the data as it was when appended, whatever the caller does next.
      encoded = events.map((event) => [event.id ?? newEventId(), event.type, JSON.stringify(event.data), JSON.stringify(event.metadata ?? {})] as const);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.enqueue({ kind: 'append', stream, expected: expectedRevision, events: encoded }).then((outcome) => ({
      nextExpectedRevision: BigInt(outcome.revision),
      position: toPosition(outcome.position),
    }));
  }

  private enqueue(op: WriteOp): Promise<WriteOutcome & { ok: true }> {
    return new Promise((resolve, reject) => {
      this.pending.push({ op, resolve, reject });
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /**
   * Sends what arrived as one batch. While a batch is being written, what arrives gathers
   * here and goes as the next batch the moment the writer answers: the slower the disk,
   * the more operations share one fsync, and no commit is paid for by a lone append.
   */
  private flush(): void {
    if (this.pending.length === 0 || this.inFlight >= MAX_BATCHES_IN_FLIGHT) return;
    const batch = this.pending;
    this.pending = [];
    this.inFlight++;
    this.writer.write(batch.map((p) => p.op)).then(
      (outcomes) => {
        this.sharedPages.clear();
        batch.forEach((request, i) => {
          const outcome = outcomes[i]!;
          if (outcome.ok) {
            this.recent.written(request.op, outcome);
            request.resolve(outcome);
          } else {
            request.reject(toError(outcome.error));
          }
        });
        this.batchDone();
        this.wakeSubscribers();
      },
      (error: unknown) => {
        for (const request of batch) request.reject(error);
        this.batchDone();
      },
    );
  }

  private batchDone(): void {
    this.inFlight--;
    // At once: what gathered during the commit goes to the writer while it would otherwise idle.
    if (this.pending.length > 0) this.flush();
    else if (this.inFlight === 0) for (const idle of this.idleWaiters.splice(0)) idle();
  }

  /** Resolves when every operation asked for so far is written (or refused). */
  private drain(): Promise<void> {
    if (this.inFlight === 0 && this.pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.scheduleFlush();
    });
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
    return pagedIterable(this.allPages(options), toRecorded);
  }

  /** The pages of rows a readAll with these options goes through, one per call, then null. */
  allPages(options: ReadAllOptions): () => Row[] | null {
    const backwards = options.direction === 'backwards';
    const from = options.fromPosition;
    let next = from === 'start' ? 0 : from === 'end' || (from === undefined && backwards) ? Number.MAX_SAFE_INTEGER : Number(from?.commit ?? 0);
    let remaining = (from === 'end' && !backwards) || (from === 'start' && backwards) ? 0 : (options.maxCount ?? Number.POSITIVE_INFINITY);
    return () => {
      if (remaining <= 0 || next < 0) return null;
      const rows = this.readAllPage(options.filter, backwards, next, Math.min(this.pageSize, remaining), true);
      if (rows.length === 0) return null;
      remaining -= rows.length;
      const last = rows[rows.length - 1]![0];
      next = backwards ? last - 1 : last + 1;
      if (rows.length < this.pageSize) remaining = 0;
      return rows;
    };
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

  /**
   * A subscription's next page: the rows after `after` that pass the filter, and how far
   * the log was looked through for them (`scannedTo`: every position up to it was read or
   * passed over). A page that neither holds rows nor moves `scannedTo` past `after` means
   * the subscription is at the head.
   *
   * From the rows this instance just wrote when they follow on unbroken, else from the
   * file. A filtered read looks through at most SCAN_WINDOW_PAGES pages' worth of
   * positions, so a filter that matches little yields regular checkpoints and never holds
   * the thread for a whole scan of the log. Subscriptions at the same place in the same
   * turn of the event loop (the projections of a node, woken by one commit) share one
   * read. A shared page lives until the end of the turn or the next commit through this
   * instance, so a subscription that looks again always reads afresh.
   */
  subscriptionPage(filter: EventFilter | undefined, after: number, limit: number, polled: boolean): SubscriptionPage {
    const recent = this.recent.after(after, filter === undefined ? limit : limit * SCAN_WINDOW_PAGES);
    if (recent !== null) return filter === undefined ? { rows: recent, scannedTo: recent[recent.length - 1]![0] } : filterRows(filter, recent, limit);
    // Nothing of ours follows it; another process's appends are looked for when the poll
    // interval wakes the subscription (as they always were), not after every local commit.
    if (!polled && this.recent.isNewest(after)) return { rows: [], scannedTo: after };
    const key = `${after}|${limit}|${filterKey(filter)}`;
    let page = this.sharedPages.get(key);
    if (page === undefined) {
      page = filter === undefined ? this.unfilteredPage(after, limit) : this.filteredPage(filter, after, limit);
      // Only a page that reached the head is kept for others: a full page is history, read by
      // a catch-up page after page in one turn, and keeping it would only make it old garbage.
      if (page.rows.length === limit) return page;
      if (this.sharedPages.size === 0) setImmediate(() => this.sharedPages.clear());
      if (this.sharedPages.size >= SHARED_PAGES) this.sharedPages.delete(this.sharedPages.keys().next().value!);
      this.sharedPages.set(key, page);
    }
    return page;
  }

  private unfilteredPage(after: number, limit: number): SubscriptionPage {
    const rows = this.readAllPage(undefined, false, after, limit, false);
    return { rows, scannedTo: rows.length > 0 ? rows[rows.length - 1]![0] : after };
  }

  /**
   * The head is read first and bounds the rows read next: positions are handed out under
   * SQLite's one write lock, so no commit can later add a position at or below a head
   * already seen, and everything up to the bound has been looked through.
   */
  private filteredPage(filter: EventFilter, after: number, limit: number): SubscriptionPage {
    const bound = Math.min(after + limit * SCAN_WINDOW_PAGES, this.lastPosition());
    if (bound <= after) return { rows: [], scannedTo: after };
    const predicate = filterPredicate(filter);
    const key = `range${filterKey(filter)}`;
    let statement = this.allStatements.get(key);
    if (!statement) {
      statement = this.db
        .prepare(`SELECT ${COLUMNS} FROM events WHERE position > ? AND position <= ? AND ${predicate.sql} ORDER BY position LIMIT ?`)
        .raw();
      this.allStatements.set(key, statement);
    }
    const rows = statement.all(after, bound, ...predicate.params, limit) as Row[];
    return { rows, scannedTo: rows.length === limit ? rows[limit - 1]![0] : bound };
  }

  /**
   * The event of a row a subscription delivers. Live subscriptions following the rows
   * this instance just wrote get the same event object, so a live event is decoded once
   * however many projections follow the log. Events are values: nobody changes one.
   */
  recordedOf(row: Row): RecordedEvent {
    return this.recent.eventOf(row);
  }

  lastPosition(): number {
    return this.stmt.lastPosition.get()?.p ?? 0;
  }

  async headPosition(stream?: string): Promise<GlobalPosition | null> {
    if (this.closed) throw new Error('The event store is closed');
    const position = stream === undefined ? this.stmt.lastPosition.get()?.p : this.stmt.lastPositionOfStream.get(stream)?.position;
    return position === undefined || position === null ? null : toPosition(position);
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): Subscription {
    const subscription = new SqliteSubscription(this, options, this.pageSize, (s) => this.subscriptions.delete(s));
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** Resolves at the next append through this instance (false), or after the poll interval (true). */
  waitForAppend(): { promise: Promise<boolean>; cancel(): void } {
    let wake!: (polled: boolean) => void;
    const promise = new Promise<boolean>((resolve) => (wake = resolve));
    const timer = setTimeout(() => done(true), this.pollIntervalMs);
    const done = (polled = false) => {
      clearTimeout(timer);
      this.waiters.delete(done);
      wake(polled);
    };
    this.waiters.add(done);
    return { promise, cancel: done };
  }

  private wakeSubscribers(): void {
    for (const wake of [...this.waiters]) wake();
  }

  async deleteStream(stream: string, expectedRevision: ExpectedRevision = 'any'): Promise<void> {
    if (this.closed) throw new Error('The event store is closed');
    // Through the write queue, so a delete is ordered with the appends around it.
    await this.enqueue({ kind: 'delete', stream, expected: expectedRevision });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.drain();
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await this.writer.close();
    this.db.close();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}

function toError(error: WriteError): Error {
  switch (error.kind) {
    case 'wrongExpectedRevision':
      return new WrongExpectedRevisionError(error.stream, error.expected, error.actual < 0 ? 'no_stream' : BigInt(error.actual));
    case 'streamDeleted':
      return new StreamDeletedError(error.stream);
    case 'failed':
      return new Error(error.message);
  }
}

/** The rows of an unbroken run that pass the filter, up to `limit` of them. */
function filterRows(filter: EventFilter, run: readonly Row[], limit: number): SubscriptionPage {
  const rows: Row[] = [];
  for (const row of run) {
    if (!filterAccepts(filter, row[2], row[4])) continue;
    rows.push(row);
    if (rows.length === limit) return { rows, scannedTo: row[0] };
  }
  return { rows, scannedTo: run[run.length - 1]![0] };
}

/** The writer for an in-memory database: the same batch writer, on this thread. */
function inThreadWriter(db: Database.Database): Writer {
  const write = createBatchWriter(db);
  return {
    write: (ops) => Promise.resolve(write(ops)),
    close: () => Promise.resolve(),
  };
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
    data: JSON.parse(r[5]) as JsonValue,
    metadata: JSON.parse(r[6]) as JsonObject,
    created: new Date(r[7]),
  };
}

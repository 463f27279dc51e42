import type Database from 'better-sqlite3';
import type { ExpectedRevision } from '../../../application/ports/event-store.js';

/** An event ready for the table: id, type, data (JSON), metadata (JSON). */
export type EncodedEvent = readonly [id: string, type: string, data: string, metadata: string];

export type WriteOp =
  | { readonly kind: 'append'; readonly stream: string; readonly expected: ExpectedRevision; readonly events: readonly EncodedEvent[] }
  | { readonly kind: 'delete'; readonly stream: string; readonly expected: ExpectedRevision };

/** Why one operation of a batch was refused; plain data, so it crosses from the writer thread. */
export type WriteError =
  | { readonly kind: 'wrongExpectedRevision'; readonly stream: string; readonly expected: ExpectedRevision; readonly actual: number }
  | { readonly kind: 'streamDeleted'; readonly stream: string }
  | { readonly kind: 'failed'; readonly message: string };

export type WriteOutcome =
  | { readonly ok: true; readonly revision: number; readonly position: number; readonly created: number }
  | { readonly ok: false; readonly error: WriteError };

export type BatchWriter = (ops: readonly WriteOp[]) => WriteOutcome[];

/**
 * Writes a batch of appends and deletes in one transaction (group commit): one fsync
 * acknowledges all of them, yet each operation succeeds or fails on its own, atomically.
 *
 * Self-contained on purpose (no imports at run time, no outer names): its source text is
 * also what the writer thread runs (writer-thread.ts), so one copy of the write logic
 * serves both the in-thread engine (in-memory databases) and the threaded one.
 */
export function createBatchWriter(db: Database.Database): BatchWriter {
  class Refused {
    constructor(readonly error: WriteError) {}
  }
  const streamRow = db.prepare<[string], { revision: number; deleted: number }>('SELECT revision, deleted FROM streams WHERE stream = ?');
  const upsertStream = db.prepare<[string, number]>(
    'INSERT INTO streams (stream, revision) VALUES (?, ?) ON CONFLICT (stream) DO UPDATE SET revision = excluded.revision',
  );
  const insertEvent = db.prepare<[string, string, number, string, string, string, number]>(
    'INSERT INTO events (id, stream, revision, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const deleteEvents = db.prepare<[string]>('DELETE FROM events WHERE stream = ?');
  const tombstone = db.prepare<[string]>(
    'INSERT INTO streams (stream, revision, deleted) VALUES (?, -1, 1) ON CONFLICT (stream) DO UPDATE SET deleted = 1',
  );

  /**
   * A stream's row as the transaction has left it so far. One transaction commonly holds
   * many appends to one stream (every call record of a day and Region goes to one), so the
   * fast path reads each stream's row once and writes it once, at the end.
   */
  interface Head {
    revision: number;
    deleted: boolean;
    /** Moved by this transaction and not yet written to `streams`. */
    unwritten: boolean;
  }
  type Heads = Map<string, Head> | null;

  function headOf(stream: string, heads: Heads): Head {
    let head = heads?.get(stream);
    if (head === undefined) {
      const row = streamRow.get(stream);
      head = { revision: row ? row.revision : -1, deleted: row?.deleted === 1, unwritten: false };
      heads?.set(stream, head);
    }
    return head;
  }

  /** The stream's head (revision -1 when it has no events), or a refusal. */
  function checkExpected(stream: string, expected: ExpectedRevision, heads: Heads): Head {
    const head = headOf(stream, heads);
    if (head.deleted) throw new Refused({ kind: 'streamDeleted', stream });
    const current = head.revision;
    const ok =
      expected === 'any' ||
      (expected === 'no_stream' && current < 0) ||
      (expected === 'stream_exists' && current >= 0) ||
      (typeof expected === 'bigint' && BigInt(current) === expected);
    if (!ok) throw new Refused({ kind: 'wrongExpectedRevision', stream, expected, actual: current });
    return head;
  }

  /** `heads` null: every row read and written at once, as the careful path's savepoints need. */
  function writeOp(op: WriteOp, heads: Heads): WriteOutcome {
    const head = checkExpected(op.stream, op.expected, heads);
    const created = Date.now();
    if (op.kind === 'delete') {
      if (head.unwritten) upsertStream.run(op.stream, head.revision);
      deleteEvents.run(op.stream);
      tombstone.run(op.stream);
      head.deleted = true;
      head.unwritten = false;
      return { ok: true, revision: head.revision, position: 0, created };
    }
    let revision = head.revision;
    let position = 0;
    for (const [id, type, data, metadata] of op.events) {
      revision += 1;
      position = Number(insertEvent.run(id, op.stream, revision, type, data, metadata, created).lastInsertRowid);
    }
    head.revision = revision;
    if (heads === null) upsertStream.run(op.stream, revision);
    else head.unwritten = true;
    return { ok: true, revision, position, created };
  }

  function failed(error: unknown): WriteOutcome {
    return { ok: false, error: { kind: 'failed', message: error instanceof Error ? error.message : String(error) } };
  }

  /**
   * The fast path writes without savepoints: expected-revision refusals are found before
   * anything of their operation is written, so only an unexpected fault (a duplicate event
   * id) interrupts one, and that throws the whole transaction back for the careful path.
   * IMMEDIATE takes the write lock first, so another process's writer cannot slip in
   * between the revision checks and the writes.
   */
  function writeBatch(ops: readonly WriteOp[], isolated: boolean): WriteOutcome[] {
    return db
      .transaction(() => {
        const heads: Heads = isolated ? null : new Map();
        const outcomes = ops.map((op): WriteOutcome => {
          try {
            return isolated ? db.transaction(() => writeOp(op, null))() : writeOp(op, heads);
          } catch (error) {
            if (error instanceof Refused) return { ok: false, error: error.error };
            if (!isolated) throw error;
            return failed(error);
          }
        });
        for (const [stream, head] of heads ?? []) if (head.unwritten) upsertStream.run(stream, head.revision);
        return outcomes;
      })
      .immediate();
  }

  return (ops) => {
    try {
      return writeBatch(ops, false);
    } catch {
      // Something failed half-way through an operation: write the batch again with a
      // savepoint per operation, so that only the faulty one fails.
      try {
        return writeBatch(ops, true);
      } catch (error) {
        return ops.map(() => failed(error));
      }
    }
  };
}

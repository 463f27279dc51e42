import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../../src/application/ports/event-store.js';

interface ProjectionBase {
  readonly name: string;
  /** Bump when the projection changes meaning: the runner then rebuilds the read model from zero. */
  readonly version: number;
  /**
   * The event types the projection cares about: the runner subscribes for these only, so
   * the others are left out by the store and never parsed. The subscription's checkpoint
   * messages still move the checkpoint past them, so read-your-writes can wait for any
   * position. Absent: every event is handed over.
   */
  readonly eventTypes?: ReadonlySet<string>;
  /** Creates the tables (idempotent). */
  migrate(db: Database.Database): void;
  /** Empties the tables before a rebuild. */
  reset(db: Database.Database): void;
  /**
   * Called each time the runner has applied all history and is about to follow live events
   * (also after a resumed or interrupted rebuild): a projection may defer work that a
   * rebuild would otherwise pay for row by row, such as indexes only queries use. Must be
   * idempotent; throwing fails the projection.
   */
  caughtUp?(db: Database.Database): void;
}

/**
 * A projection that folds events into its own tables of the read-model database. `apply`
 * runs inside the runner's transaction, together with the checkpoint, so an event's effect
 * is recorded exactly once; throwing stops the projection at that event (never skipped).
 */
export interface AppliedProjection extends ProjectionBase {
  apply(event: RecordedEvent, db: Database.Database): void;
  /**
   * Called inside each batch's transaction after its last `apply`: a projection that holds
   * rows back to write many in one statement writes the rest here.
   */
  beforeCommit?(db: Database.Database): void;
  /**
   * Called after each batch's transaction ends, committed or rolled back: a projection
   * may remember what it read during a batch, never across one (another process may
   * write the read model in between, and a rollback undoes what it wrote).
   */
  endBatch?(db: Database.Database): void;
}

/** Turns one batch's events, one by one, into plain values: no database access. */
export type Stager = (event: RecordedEvent, out: unknown[]) => void;

/**
 * A projection whose work is split in two: staging reads the events (on the runner's
 * thread) and writing puts the staged values into the tables, for most of a long
 * catch-up on a thread of its own when the read models live in a file (staged-writer.ts). A projection that applies nearly every event of the log
 * (key usage) spends about as long in SQLite as in reading and parsing the events: side by
 * side on two cores a rebuild takes the longer of the two instead of their sum. Each batch
 * is still written with its checkpoint in one transaction.
 */
export interface StagedProjection extends ProjectionBase {
  readonly staged: {
    /** A stager for one batch; it may remember what it staged within that batch only. */
    stager(): Stager;
    /** Writes one batch's staged values; runs inside the transaction that writes the checkpoint. */
    write(db: Database.Database, values: readonly unknown[]): void;
    /** Where the writing thread finds this projection: the module that exports it, and the export's name. */
    readonly module: URL;
    readonly exportName: string;
  };
}

export type Projection = AppliedProjection | StagedProjection;

export function isStaged(projection: Projection): projection is StagedProjection {
  return 'staged' in projection;
}

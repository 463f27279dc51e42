import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../../src/application/ports/event-store.js';

/**
 * A projection folds events into its own tables of the read-model database. `apply` runs
 * inside the runner's transaction, together with the checkpoint, so an event's effect
 * is recorded exactly once; throwing stops the projection at that event (never skipped).
 */
export interface Projection {
  readonly name: string;
  /** Bump when `apply` changes meaning: the runner then rebuilds the read model from zero. */
  readonly version: number;
  /**
   * The event types `apply` cares about: the runner subscribes for these only, so the
   * others are left out by the store and never parsed. The subscription's checkpoint
   * messages still move the checkpoint past them, so read-your-writes can wait for any
   * position. Absent: every event is applied.
   */
  readonly eventTypes?: ReadonlySet<string>;
  /** Creates the tables (idempotent). */
  migrate(db: Database.Database): void;
  /** Empties the tables before a rebuild. */
  reset(db: Database.Database): void;
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
  /**
   * Called each time the runner has applied all history and is about to follow live events
   * (also after a resumed or interrupted rebuild): a projection may defer work that a
   * rebuild would otherwise pay for row by row, such as indexes only queries use. Must be
   * idempotent; throwing fails the projection.
   */
  caughtUp?(db: Database.Database): void;
}

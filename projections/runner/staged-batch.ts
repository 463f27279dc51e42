import type Database from 'better-sqlite3';
import type { GlobalPosition } from '../../src/application/ports/event-store.js';
import { samePosition } from '../../src/application/ports/positions.js';
import type { CheckpointStore } from './checkpoint-store.js';
import type { StagedProjection } from './projection.js';

/** One batch of a staged projection, as handed to its writer. */
export interface StagedBatch {
  /** The checkpoint the batch follows on from: anything else means another process wrote in between. */
  readonly expectedStored: GlobalPosition | null;
  /** The checkpoint once the batch is written. */
  readonly position: GlobalPosition;
  readonly values: readonly unknown[];
}

export type StagedResult =
  | { readonly kind: 'written' }
  | { readonly kind: 'moved'; readonly stored: GlobalPosition | null }
  | { readonly kind: 'failed'; readonly message: string };

function failed(error: unknown): StagedResult {
  return { kind: 'failed', message: error instanceof Error ? error.message : String(error) };
}

/**
 * Writes a staged batch with its checkpoint in one transaction, on whichever thread holds
 * `db`. IMMEDIATE takes the write lock before the checkpoint is compared, so two processes
 * sharing one read-model file never both write the same events.
 */
export function writeStagedBatch(db: Database.Database, checkpoints: CheckpointStore, projection: StagedProjection, batch: StagedBatch): StagedResult {
  try {
    return db
      .transaction((): StagedResult => {
        const stored = checkpoints.read(projection.name)?.position ?? null;
        if (!samePosition(stored, batch.expectedStored)) return { kind: 'moved', stored };
        projection.staged.write(db, batch.values);
        checkpoints.write(projection.name, { version: projection.version, position: batch.position });
        return { kind: 'written' };
      })
      .immediate();
  } catch (error) {
    return failed(error);
  }
}

/** The projection's caught-up work (indexes, say), on the thread that writes its tables. */
export function runCaughtUp(db: Database.Database, projection: StagedProjection): StagedResult {
  try {
    projection.caughtUp?.(db);
    return { kind: 'written' };
  } catch (error) {
    return failed(error);
  }
}

import type Database from 'better-sqlite3';
import type { GlobalPosition } from '../../src/application/ports/event-store.js';

export interface Checkpoint {
  readonly version: number;
  readonly position: GlobalPosition | null;
}

/** Checkpoints live in the read-model database, so they commit with the read models. */
export class CheckpointStore {
  private readonly get: Database.Statement<[string], { version: number; commit_pos: string | null; prepare_pos: string | null }>;
  private readonly put: Database.Statement<[string, number, string | null, string | null, string]>;

  constructor(db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS projection_checkpoints (
      name TEXT PRIMARY KEY, version INTEGER NOT NULL, commit_pos TEXT, prepare_pos TEXT, updated TEXT NOT NULL
    ) WITHOUT ROWID`);
    this.get = db.prepare('SELECT version, commit_pos, prepare_pos FROM projection_checkpoints WHERE name = ?');
    this.put = db.prepare(
      'INSERT INTO projection_checkpoints (name, version, commit_pos, prepare_pos, updated) VALUES (?, ?, ?, ?, ?) ' +
        'ON CONFLICT (name) DO UPDATE SET version = excluded.version, commit_pos = excluded.commit_pos, prepare_pos = excluded.prepare_pos, updated = excluded.updated',
    );
  }

  read(name: string): Checkpoint | null {
    const row = this.get.get(name);
    if (!row) return null;
    return {
      version: row.version,
      position: row.commit_pos === null ? null : { commit: BigInt(row.commit_pos), prepare: BigInt(row.prepare_pos!) },
    };
  }

  /** Positions are stored as text: EventStoreDB's are 64-bit and exceed a double. */
  write(name: string, checkpoint: Checkpoint): void {
    const p = checkpoint.position;
    this.put.run(name, checkpoint.version, p ? p.commit.toString() : null, p ? p.prepare.toString() : null, new Date().toISOString());
  }
}

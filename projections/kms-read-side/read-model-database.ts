import type Database from 'better-sqlite3';

/** The SQLite database that holds this node's read models and their checkpoints. */
export type ReadModelDatabase = Database.Database;
export const ReadModelDatabase = Symbol.for('keytrail.ReadModelDatabase');

/**
 * Read models an earlier KeyTrail kept and this one answers from the temporal tables:
 * their tables and checkpoints go, so nothing stale is left to be mistaken for an answer.
 */
const RETIRED = [
  { projection: 'kms-key-directory', tables: ['kms_key_directory'] },
  { projection: 'kms-alias-index', tables: ['kms_alias_index'] },
  { projection: 'kms-grant-index', tables: ['kms_grant_index', 'kms_grant_keys'] },
];

export function dropRetiredReadModels(db: Database.Database): void {
  const checkpoints = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'projection_checkpoints'").get() !== undefined;
  db.transaction(() => {
    for (const { projection, tables } of RETIRED) {
      for (const table of tables) db.exec(`DROP TABLE IF EXISTS ${table};`);
      if (checkpoints) db.prepare('DELETE FROM projection_checkpoints WHERE name = ?').run(projection);
    }
  })();
}

import type Database from 'better-sqlite3';

/** The SQLite database that holds this node's read models and their checkpoints. */
export type ReadModelDatabase = Database.Database;
export const ReadModelDatabase = Symbol.for('keytrail.ReadModelDatabase');

import type Database from 'better-sqlite3';

/**
 * Statements prepared once per database and projection, not per event: the runner hands
 * `apply` the same database every time, and preparing is most of the cost of a tiny write.
 */
export class BoundStatements<T> {
  private readonly byDb = new WeakMap<Database.Database, T>();

  constructor(private readonly prepare: (db: Database.Database) => T) {}

  for(db: Database.Database): T {
    let bound = this.byDb.get(db);
    if (bound === undefined) {
      bound = this.prepare(db);
      this.byDb.set(db, bound);
    }
    return bound;
  }
}

import type Database from 'better-sqlite3';

/**
 * `position` is AUTOINCREMENT so that a position is never handed out twice, even after
 * a hard delete removed the events at the end of the log. `streams` holds each stream's
 * current revision (the optimistic-concurrency check reads one row, not the events) and
 * the tombstone of deleted streams.
 */
const DDL = `
CREATE TABLE IF NOT EXISTS events (
  position  INTEGER PRIMARY KEY AUTOINCREMENT,
  id        TEXT    NOT NULL UNIQUE,
  stream    TEXT    NOT NULL,
  revision  INTEGER NOT NULL,
  type      TEXT    NOT NULL,
  data      TEXT    NOT NULL,
  metadata  TEXT    NOT NULL,
  created   INTEGER NOT NULL,
  UNIQUE (stream, revision)
);
CREATE TABLE IF NOT EXISTS streams (
  stream    TEXT    PRIMARY KEY,
  revision  INTEGER NOT NULL,
  deleted   INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
`;

export function prepareDatabase(db: Database.Database): void {
  // WAL lets readers (projections, other processes) run beside the writer; FULL makes
  // every commit durable before it returns, which is what an acknowledged append means.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 10000');
  db.exec(DDL);
}

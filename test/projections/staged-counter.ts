import type { StagedProjection } from '../../projections/runner/projection.js';

/**
 * A staged projection for the runner's tests: counts events per stream. Staging refuses an
 * event whose data says `poison`; writing fails (a SQL error) for one that says `broken`.
 * Its caught-up work makes an index, so a test can see where it ran.
 */
export const stagedCounter: StagedProjection = {
  name: 'staged-counter',
  version: 1,
  eventTypes: new Set(['Counted']),
  migrate: (db) => db.exec('CREATE TABLE IF NOT EXISTS staged_counts (stream TEXT PRIMARY KEY, n INTEGER NOT NULL)'),
  reset: (db) => db.exec('DROP INDEX IF EXISTS staged_counts_n; DELETE FROM staged_counts'),
  caughtUp: (db) => db.exec('CREATE INDEX IF NOT EXISTS staged_counts_n ON staged_counts (n)'),
  staged: {
    stager: () => (event, out) => {
      const data = event.data as { poison?: boolean; broken?: boolean };
      if (data.poison) throw new Error('cannot stage poison');
      out.push(event.stream, data.broken === true);
    },
    write(db, values) {
      const add = db.prepare('INSERT INTO staged_counts (stream, n) VALUES (?, 1) ON CONFLICT (stream) DO UPDATE SET n = n + 1');
      for (let i = 0; i < values.length; i += 2) {
        if (values[i + 1] === true) db.prepare('INSERT INTO no_such_table VALUES (1)').run();
        add.run(values[i] as string);
      }
    },
    module: new URL(import.meta.url),
    exportName: 'stagedCounter',
  },
};

// Appends under load until killed, printing a line per acknowledged append. Runs the
// built engine (npm test builds first) so that it is the code that ships.
import { writeSync } from 'node:fs';
import { SqliteEventStore } from '../../../dist/src/infrastructure/eventstore/sqlite/sqlite-event-store.js';

const [path, workersText, round] = process.argv.slice(2);
const store = SqliteEventStore.open(path);
const workers = Number(workersText);

await Promise.all(
  Array.from({ length: workers }, async (_, w) => {
    let expected = 'no_stream';
    for (let n = 0; ; n++) {
      const events = [0, 1, 2].map((part) => ({ type: 'CrashTest', data: { round: Number(round), w, n, part } }));
      const result = await store.append(`crash-r${round}w${w}`, events, expected);
      expected = result.nextExpectedRevision;
      writeSync(1, `${w} ${n}\n`);
    }
  }),
);

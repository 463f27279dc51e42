import 'reflect-metadata';
import { benchCloudTrail } from './cloudtrail.js';
import { benchEventStore } from './eventstore.js';
import { benchKms } from './kms.js';
import { writeSection } from './report.js';
import { benchTimeTravel } from './time-travel.js';

/** `npm run bench` runs every suite; `npm run bench -- <suite> ...` runs some. */
const suites: Record<string, () => Promise<string>> = {
  cloudtrail: () => benchCloudTrail({ calls: Number(process.env.BENCH_CALLS ?? 1_000_000) }),
  eventstore: () => benchEventStore({ totalEvents: Number(process.env.BENCH_EVENTS ?? 1_000_000), appendMs: 3000 }),
  kms: () =>
    benchKms({ concurrency: 64, rounds: 3, warmupMs: Number(process.env.BENCH_WARMUP_MS ?? 1000), measureMs: Number(process.env.BENCH_MEASURE_MS ?? 2000) }),
  timetravel: () => benchTimeTravel({ sizes: (process.env.BENCH_TIMETRAVEL_SIZES ?? '10000,1000000').split(',').map(Number) }),
};

const chosen = process.argv.slice(2);
for (const name of chosen.length > 0 ? chosen : Object.keys(suites)) {
  const suite = suites[name];
  if (!suite) {
    console.error(`Unknown benchmark suite '${name}'. Suites: ${Object.keys(suites).join(', ')}`);
    process.exit(2);
  }
  console.log(`# ${name}`);
  writeSection('BENCHMARKS.md', name, await suite());
}

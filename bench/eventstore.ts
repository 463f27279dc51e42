import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { EventToAppend } from '../src/application/ports/event-store.js';
import { SqliteEventStore } from '../src/infrastructure/eventstore/sqlite/sqlite-event-store.js';
import { fmt, machine, rate, table } from './report.js';

const metadata = {
  requestId: '6f0d4a3e-1a55-4c1c-9b1f-0d7c2a4f8e11',
  caller: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333' },
  sourceIp: '127.0.0.1',
  region: 'us-east-1',
};

function events(n: number, i: number): EventToAppend[] {
  return Array.from({ length: n }, (_, k) => ({ type: 'BenchEvent', data: { i, k, keyId: '1234abcd-12ab-34cd-56ef-1234567890ab' }, metadata }));
}

/** Durable appends/s: `concurrency` appenders, each to its own stream, for `ms`. */
async function appendRate(store: SqliteEventStore, concurrency: number, perAppend: number, ms: number) {
  const deadline = performance.now() + ms;
  let appends = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      const stream = `bench${concurrency}x${perAppend}-${w}`;
      for (let i = 0; performance.now() < deadline; i++) {
        await store.append(stream, events(perAppend, i), 'any');
        appends++;
      }
    }),
  );
  const elapsed = performance.now() - started;
  return { appends: rate(appends, elapsed), events: rate(appends * perAppend, elapsed) };
}

export async function benchEventStore(options: { totalEvents: number; appendMs: number }): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'keytrail-bench-'));
  try {
    const rows: Array<Array<string | number>> = [];
    for (const [concurrency, perAppend] of [
      [1, 1],
      [64, 1],
      [1, 10],
      [64, 10],
    ] as const) {
      const store = SqliteEventStore.open(join(dir, `append-${concurrency}-${perAppend}.db`));
      const r = await appendRate(store, concurrency, perAppend, options.appendMs);
      await store.close();
      rows.push([concurrency, perAppend, fmt(r.appends), fmt(r.events)]);
      console.log(`append: ${concurrency} appenders × ${perAppend} events: ${fmt(r.appends)} appends/s`);
    }

    const store = SqliteEventStore.open(join(dir, 'read.db'));
    const fillStart = performance.now();
    const batch = 1000;
    let written = 0;
    await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        while (written < options.totalEvents) {
          written += batch;
          await store.append(`fill-${w}`, events(batch, written), 'any');
        }
      }),
    );
    const fillMs = performance.now() - fillStart;
    console.log(`filled ${fmt(written)} events in ${Math.round(fillMs)} ms`);

    let t = performance.now();
    let read = 0;
    for await (const e of store.readAll()) if (e.revision >= 0n) read++;
    const readAllRate = rate(read, performance.now() - t);
    console.log(`readAll: ${fmt(readAllRate)} events/s`);

    t = performance.now();
    let delivered = 0;
    const subscription = store.subscribeToAll();
    for await (const m of subscription) {
      if (m.kind === 'caughtUp') break;
      delivered++;
    }
    await subscription.stop();
    const catchUpRate = rate(delivered, performance.now() - t);
    console.log(`subscription catch-up: ${fmt(catchUpRate)} events/s`);
    await store.close();

    return [
      '## Event store: SQLite engine',
      '',
      `Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}, with \`npm run bench -- eventstore\`.`,
      'Every append is durable before it resolves (WAL, synchronous=FULL); appends arriving in the same event-loop turn share one commit.',
      '',
      table(['appenders', 'events per append', 'appends/s', 'events/s'], rows),
      '',
      table(
        ['over', 'readAll events/s', 'subscription catch-up events/s', 'catch-up / readAll'],
        [[`${fmt(read)} events`, fmt(readAllRate), fmt(catchUpRate), (catchUpRate / readAllRate).toFixed(2)]],
      ),
      '',
      'Goals (issue 2): ≥ 20,000 durable single-event appends/s with 64 appenders; readAll ≥ 300,000 events/s.',
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

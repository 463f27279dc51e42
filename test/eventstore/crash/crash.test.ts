import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SqliteEventStore } from '../../../src/infrastructure/eventstore/sqlite/sqlite-event-store.js';

const appender = fileURLToPath(new URL('./appender.mjs', import.meta.url));
const built = fileURLToPath(new URL('../../../dist/src/infrastructure/eventstore/sqlite/sqlite-event-store.js', import.meta.url));
const WORKERS = 16;

describe.skipIf(!existsSync(built))('sqlite engine survives kill -9 (needs `npm run build`; npm test builds)', () => {
  it('keeps every acknowledged append, in order, and nothing partial', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keytrail-crash-'));
    const path = join(dir, 'events.db');
    try {
      const acknowledged: string[] = [];
      for (let round = 0; round < 3; round++) {
        // Each round kills a writer mid-flight; the next one writes on after recovery.
        for (const [w, n] of await runAndKill(path, round, 1500 + round * 700)) acknowledged.push(`${round}:${w}:${n}`);
      }
      const store = SqliteEventStore.open(path);
      try {
        const batches = new Map<string, number[]>();
        for await (const e of store.readAll()) {
          const { round, w, n, part } = e.data as { round: number; w: number; n: number; part: number };
          expect(e.stream).toBe(`crash-r${round}w${w}`);
          const key = `${round}:${w}:${n}`;
          batches.set(key, [...(batches.get(key) ?? []), part]);
        }
        for (const key of acknowledged) expect(batches.get(key), `acknowledged append ${key} lost`).toEqual([0, 1, 2]);
        for (const [, parts] of batches) expect(parts).toEqual([0, 1, 2]);
        for (let round = 0; round < 3; round++) {
          for (let w = 0; w < WORKERS; w++) {
            const ns: number[] = [];
            for await (const e of store.readStream(`crash-r${round}w${w}`)) {
              expect(e.revision).toBe(BigInt(ns.length));
              ns.push((e.data as { n: number }).n);
            }
            // Appends of one writer land in the order it made them, with none missing.
            const order = ns.filter((_, i) => i % 3 === 0);
            expect(order).toEqual(order.map((_, i) => i));
          }
        }
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Starts the appender, lets it acknowledge `atLeast` appends, then SIGKILLs it. */
function runAndKill(path: string, round: number, atLeast: number): Promise<Array<[number, number]>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [appender, path, String(WORKERS), String(round)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acknowledged: Array<[number, number]> = [];
    let buffer = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        const [w, n] = line.split(' ').map(Number);
        acknowledged.push([w!, n!]);
      }
      if (acknowledged.length >= atLeast && !child.killed) child.kill('SIGKILL');
    });
    child.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve(acknowledged);
      else reject(new Error(`appender exited on its own (${String(_code)}): ${stderr}`));
    });
  });
}

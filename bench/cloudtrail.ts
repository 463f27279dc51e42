import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import 'reflect-metadata';
import { CloudTrailReplay } from '../src/application/cloudtrail/cloudtrail-replay.js';
import { InProcessRecordSource } from '../src/application/cloudtrail/in-process-record-source.js';
import { KeyLocator } from '../src/application/cloudtrail/key-location.js';
import { TrailExporter } from '../src/application/cloudtrail/trail-exporter.js';
import type { EventToAppend, JsonObject } from '../src/application/ports/event-store.js';
import { FsTrailFolder } from '../src/infrastructure/cloudtrail/fs-trail-folder.js';
import { RsaTrailSigner } from '../src/infrastructure/cloudtrail/rsa-trail-key.js';
import { WorkerTrailPartExporter } from '../src/infrastructure/cloudtrail/worker-trail-part-exporter.js';
import { SqliteEventStore } from '../src/infrastructure/eventstore/sqlite/sqlite-event-store.js';
import { SqliteEventTextLog } from '../src/infrastructure/eventstore/sqlite/sqlite-event-text-log.js';
import { fmt, machine, rate, table } from './report.js';

const ACCOUNTS = ['111122223333', '444455556666'];
const REGION = 'eu-west-3';
const KEYS_PER_ACCOUNT = 50;
const START = Date.parse('2031-05-01T00:00:00Z');
/** One call every 0.8 s on average: 1,000,000 calls span about nine days. */
const SPACING_MS = 800;

function caller(account: string) {
  return { type: 'IAMUser', principalId: `AIDA${account}ALICE`, arn: `arn:aws:iam::${account}:user/alice`, accountId: account, accessKeyId: `AKIA${account}0000`, userName: 'alice' };
}

function context(account: string, operation: string, timeMs: number): JsonObject {
  return {
    schemaVersion: 1,
    requestId: randomUUID(),
    eventId: randomUUID(),
    time: new Date(timeMs).toISOString(),
    caller: caller(account),
    sourceIp: '192.0.2.10',
    userAgent: 'aws-sdk-js/3.1164.0 ua/2.1 os/linux lang/js md/nodejs#20.20.2 api/kms#3.1164.0',
    region: REGION,
    operation,
    eventType: 'AwsApiCall',
  };
}

/** What the server appends for a cryptographic call: one KmsCallRecorded in the account's daily call stream. */
function cryptoCall(account: string, keyId: string, operation: string, i: number, timeMs: number): EventToAppend {
  const arn = `arn:aws:kms:${REGION}:${account}:key/${keyId}`;
  const metadata = context(account, operation, timeMs);
  return {
    id: metadata['eventId'] as string,
    type: 'KmsCallRecorded',
    data: {
      operation,
      readOnly: true,
      requestParameters: { keyId, encryptionContext: { tenant: `t-${i % 97}`, object: `s3://bucket/objects/${i}` }, ...(operation === 'GenerateDataKey' ? { keySpec: 'AES_256' } : {}) },
      responseElements: null,
      errorCode: i % 50 === 0 ? 'AccessDeniedException' : null,
      errorMessage: i % 50 === 0 ? `User: arn:aws:iam::${account}:user/alice is not authorized to perform: kms:${operation}` : null,
      resources: [{ accountId: account, type: 'AWS::KMS::Key', ARN: arn }],
    },
    metadata,
  };
}

/** A CreateKey as the key aggregate records it: KeyCreated and PolicyPut in one append, one call. */
function createKey(account: string, keyId: string, timeMs: number): EventToAppend[] {
  const metadata = { ...context(account, 'CreateKey', timeMs), requestParameters: { description: `key ${keyId}` } };
  const creationDate = new Date(timeMs).toISOString();
  return [
    {
      type: 'KeyCreated',
      data: {
        keyId, arn: `arn:aws:kms:${REGION}:${account}:key/${keyId}`, accountId: account, region: REGION, description: `key ${keyId}`,
        keyUsage: 'ENCRYPT_DECRYPT', keySpec: 'SYMMETRIC_DEFAULT', origin: 'AWS_KMS', keyManager: 'CUSTOMER', multiRegion: false, creationDate, backingKeyId: randomUUID(),
      },
      metadata,
    },
    { type: 'PolicyPut', data: { keyId, policyName: 'default', policy: '{"Version":"2012-10-17","Statement":[]}', bypassPolicyLockoutSafetyCheck: false, defaultPolicy: true }, metadata },
  ];
}

/**
 * Appends a realistic history of `calls` calls straight to the store (no HTTP): keys first,
 * then crypto calls and key changes, in the order they were made, as the server appends
 * them (a run of calls in one stream is one append).
 */
export async function fill(store: SqliteEventStore, calls: number): Promise<number> {
  const keys = ACCOUNTS.flatMap((account) => Array.from({ length: KEYS_PER_ACCOUNT }, () => ({ account, keyId: randomUUID() })));
  let made = 0;
  for (const { account, keyId } of keys) {
    await store.append(`kmskey-${keyId}`, createKey(account, keyId, START + made * SPACING_MS), 'no_stream');
    made++;
  }
  const operations = ['Encrypt', 'Decrypt', 'GenerateDataKey', 'Decrypt', 'Decrypt'];
  // Appends are sent without waiting for each (the store writes them in order) and awaited now and then.
  let sent: Array<Promise<unknown>> = [];
  const send = async (stream: string, events: EventToAppend[]) => {
    sent.push(store.append(stream, events, 'any'));
    if (sent.length >= 256) {
      await Promise.all(sent);
      sent = [];
    }
  };
  let run: { stream: string; events: EventToAppend[] } | null = null;
  const flush = async () => {
    if (run !== null) await send(run.stream, run.events);
    run = null;
  };
  for (let i = made; i < calls; i++) {
    const { account, keyId } = keys[i % keys.length]!;
    const timeMs = START + i * SPACING_MS;
    if (i % 1000 === 999) {
      // Now and then a change to a key: a domain event is the call's record.
      await flush();
      const metadata = { ...context(account, 'DisableKey', timeMs), requestParameters: { keyId } };
      await send(`kmskey-${keyId}`, [{ type: i % 2000 === 1999 ? 'KeyEnabled' : 'KeyDisabled', data: { keyId }, metadata: { ...metadata, operation: i % 2000 === 1999 ? 'EnableKey' : 'DisableKey' } }]);
      continue;
    }
    const stream = `kmscall-${account}_${REGION}_${new Date(timeMs).toISOString().slice(0, 10).replaceAll('-', '')}`;
    if (run === null || run.stream !== stream || run.events.length >= 2000) {
      await flush();
      run = { stream, events: [] };
    }
    run!.events.push(cryptoCall(account, keyId, operations[i % operations.length]!, i, timeMs));
  }
  await flush();
  await Promise.all(sent);
  return calls;
}

interface ChildResult {
  readonly count: number;
  readonly ms: number;
  /** CPU time of the whole process, every thread. */
  readonly cpuMs: number;
  readonly maxRssMb: number;
  readonly baselineRssMb: number;
}

/** Runs one measurement in a fresh process, so its peak memory is its own. */
function inChild(mode: 'readAll' | 'readText' | 'export', db: string, out: string, threads = 1): ChildResult {
  const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', mode, db, out, String(threads)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (run.status !== 0) throw new Error(`bench child ${mode} failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as ChildResult;
}

async function child(mode: string, db: string, out: string, threads: number): Promise<void> {
  const store = SqliteEventStore.open(db);
  const baselineRssMb = process.memoryUsage().rss / 2 ** 20;
  const signer = new RsaTrailSigner(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
  const t = performance.now();
  const cpu = process.cpuUsage();
  let count = 0;
  if (mode === 'readAll') {
    // Every event parsed, as the table says: the store parses data and metadata only when asked.
    for await (const e of store.readAll()) if (e.data !== undefined && e.metadata !== undefined) count++;
  } else if (mode === 'readText') {
    for await (const e of new SqliteEventTextLog(store).readAllText()) if (e.data.length > 0 && e.metadata.length > 0) count++;
  } else {
    const parts = new WorkerTrailPartExporter(db);
    const exporter = new TrailExporter(new InProcessRecordSource(store, new CloudTrailReplay(store, new KeyLocator(store)), new SqliteEventTextLog(store)), signer, parts);
    count = (await exporter.export(new FsTrailFolder(out), { bucket: 'bench-bucket', trailName: 'bench', threads })).records;
  }
  const ms = performance.now() - t;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  await store.close();
  const result: ChildResult = { count, ms, cpuMs, maxRssMb: process.resourceUsage().maxRSS / 1024, baselineRssMb };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

export async function benchCloudTrail(options: { calls: number }): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'keytrail-bench-cloudtrail-'));
  try {
    const db = join(dir, 'history.db');
    const store = SqliteEventStore.open(db);
    const fillStart = performance.now();
    await fill(store, options.calls);
    await store.close();
    console.log(`appended ${fmt(options.calls)} calls in ${Math.round(performance.now() - fillStart)} ms`);

    const raw = inChild('readAll', db, '');
    const rawRate = rate(raw.count, raw.ms);
    console.log(`readAll: ${fmt(raw.count)} events, ${fmt(rawRate)} events/s, CPU ${Math.round(raw.cpuMs)} ms, peak RSS ${Math.round(raw.maxRssMb)} MB`);
    const text = inChild('readText', db, '');
    const textRate = rate(text.count, text.ms);
    console.log(`readAllText: ${fmt(text.count)} events, ${fmt(textRate)} events/s, CPU ${Math.round(text.cpuMs)} ms`);
    const exports = [1, 2].map((threads) => {
      const exported = inChild('export', db, join(dir, `export-${threads}`), threads);
      const exportRate = rate(exported.count, exported.ms);
      console.log(`export, ${threads} thread(s): ${fmt(exported.count)} records, ${fmt(exportRate)} records/s, ${Math.round(exported.ms)} ms, CPU ${Math.round(exported.cpuMs)} ms, peak RSS ${Math.round(exported.maxRssMb)} MB`);
      if (exported.count !== options.calls) throw new Error(`exported ${exported.count} records for ${options.calls} calls`);
      return { threads, exported, exportRate };
    });
    // The goals hold for what `trail export` does by default: one thread.
    const best = exports[0]!;

    return [
      '## CloudTrail export',
      '',
      `Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}, with \`npm run bench -- cloudtrail\`.`,
      `A history of ${fmt(options.calls)} KMS calls (${ACCOUNTS.length} accounts, one Region, ${KEYS_PER_ACCOUNT} keys each, about nine days of calls; mostly cryptographic calls with ` +
        'their call records, 2% of them denied, plus key changes recorded by domain events) appended straight to a SQLite event store, in the order the calls were made. ' +
        'Each figure comes from a fresh process; peak memory is that process\'s maximum resident set size (all its threads), CPU its user + system time. ' +
        'With 2 threads a worker thread writes the log files of the later half of the log; the files are the same bytes. ' +
        'The export reads call records as stored text and cuts each record out of it (CallRecordText); the second row is that read alone.',
      '',
      table(
        ['what', 'items', 'items/s', 'wall', 'CPU', 'peak RSS'],
        [
          ['raw `readAll` (every event, parsed)', `${fmt(raw.count)} events`, fmt(rawRate), `${fmt(Math.round(raw.ms))} ms`, `${fmt(Math.round(raw.cpuMs))} ms`, `${Math.round(raw.maxRssMb)} MB`],
          ['`readAllText` (every event as its stored JSON text, nothing parsed)', `${fmt(text.count)} events`, fmt(textRate), `${fmt(Math.round(text.ms))} ms`, `${fmt(Math.round(text.cpuMs))} ms`, `${Math.round(text.maxRssMb)} MB`],
          ...exports.map(({ threads, exported, exportRate }) => [
            `\`trail export\`, ${threads} thread${threads > 1 ? 's' : ''} (records, gzip log files, signed digests)`,
            `${fmt(exported.count)} records`,
            fmt(exportRate),
            `${fmt(Math.round(exported.ms))} ms`,
            `${fmt(Math.round(exported.cpuMs))} ms`,
            `${Math.round(exported.maxRssMb)} MB`,
          ]),
        ],
      ),
      '',
      `Goals (issue 7), with the default of ${best.threads} thread: export at least half the raw read rate: ${(best.exportRate / rawRate).toFixed(2)}, ${best.exportRate * 2 >= rawRate ? 'met' : 'not met'}; ` +
        `peak memory under 200 MB: ${Math.round(best.exported.maxRssMb)} MB, ${best.exported.maxRssMb < 200 ? 'met' : 'not met'}. ` +
        `Against the unparsed text read the export's ratio is ${(best.exportRate / textRate).toFixed(2)}.`,
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await child(process.argv[3]!, process.argv[4]!, process.argv[5]!, Number(process.argv[6] ?? '1'));

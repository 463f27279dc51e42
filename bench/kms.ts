/**
 * KMS requests/s over HTTP, SigV4-signed, each answered only after its audit record is
 * durable: the real `keytrail serve` (embedded SQLite, a temp data dir) beside a bare
 * node:http server that answers a fixed body, both as child processes, loaded by the
 * same clients in this process in the same run.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateAliasCommand, CreateKeyCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { CALL_RECORD_STREAM_CATEGORY } from '../src/application/kms/call-record.js';
import { SqliteEventStore } from '../src/infrastructure/eventstore/sqlite/sqlite-event-store.js';
import { startNode, type Child } from './child-process.js';
import { runLoad, sdkClient, signedHttpClient, type BenchOperation, type Inputs, type LoadClient, type LoadResult, type Target } from './kms-load.js';
import { fmt, machine, table } from './report.js';

export interface KmsBenchOptions {
  readonly concurrency: number;
  /** Measurements per server, operation and client, alternating between the servers. */
  readonly rounds: number;
  readonly warmupMs: number;
  readonly measureMs: number;
}

const OPERATIONS: readonly BenchOperation[] = ['Encrypt', 'Decrypt', 'GenerateDataKey'];
/** The SDK client is the limit with every operation, so the alias variant runs with the lean client only. */
const LEAN_OPERATIONS: readonly BenchOperation[] = [...OPERATIONS, 'Encrypt by alias'];
const ALIAS_NAME = 'alias/benchmark';
const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const BARE = fileURLToPath(new URL('./bare-http-server.js', import.meta.url));
const ENCRYPT_GOAL = 5000;
const RATIO_GOAL = 0.4;

interface Server {
  readonly name: string;
  readonly child: Child;
  readonly target: Target;
}

async function startKeyTrail(dataDir: string): Promise<Server> {
  const { child, match } = await startNode(
    // As `npm start` and the `keytrail` command run it (package.json, src/cli/main.ts).
    ['--max-semi-space-size=64', MAIN, 'serve', '--port', '0', '--data-dir', dataDir],
    /serving the AWS KMS API on (http:\/\/\S+)[\s\S]*AWS_DEFAULT_REGION=(\S+)/,
  );
  const credentials = readFileSync(join(dataDir, 'admin-credentials'), 'utf8');
  const value = (name: string) => new RegExp(`^${name}\\s*=\\s*(\\S+)`, 'm').exec(credentials)?.[1] ?? '';
  return {
    name: 'KeyTrail',
    child,
    target: {
      endpoint: match[1]!,
      region: match[2]!,
      credentials: { accessKeyId: value('aws_access_key_id'), secretAccessKey: value('aws_secret_access_key') },
    },
  };
}

async function startBare(like: Target): Promise<Server> {
  const { child, match } = await startNode([BARE], /^(\d+)\n/);
  return { name: 'bare node:http', child, target: { ...like, endpoint: `http://127.0.0.1:${match[1]}` } };
}

/** A key, and a ciphertext of the plaintext under it, made through the real API. */
async function prepareInputs(target: Target): Promise<Inputs> {
  const kms = new KMSClient({ endpoint: target.endpoint, region: target.region, credentials: target.credentials, maxAttempts: 1 });
  try {
    const created = await kms.send(new CreateKeyCommand({ Description: 'benchmark key' }));
    const keyId = created.KeyMetadata!.KeyId!;
    await kms.send(new CreateAliasCommand({ AliasName: ALIAS_NAME, TargetKeyId: keyId }));
    const plaintext = Buffer.alloc(32, 1);
    const encrypted = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: plaintext, EncryptionContext: { purpose: 'benchmark' } }));
    return { keyId, aliasName: ALIAS_NAME, plaintext, ciphertext: encrypted.CiphertextBlob! };
  } finally {
    kms.destroy();
  }
}

/** Call records in the event store: one per read or cryptographic call, written before its answer. */
async function countCallRecords(path: string): Promise<number> {
  const store = SqliteEventStore.open(path);
  try {
    let n = 0;
    for await (const _ of store.readAll({ filter: { streamNamePrefixes: [`${CALL_RECORD_STREAM_CATEGORY}-`] } })) n++;
    return n;
  } finally {
    await store.close();
  }
}

interface Row {
  readonly client: string;
  readonly operation: BenchOperation;
  readonly keytrail: LoadResult;
  readonly bare: LoadResult;
}

function loadAverage(): string {
  return loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
}

export async function benchKms(options: KmsBenchOptions): Promise<string> {
  const loadBefore = loadAverage();
  const dataDir = mkdtempSync(join(tmpdir(), 'keytrail-bench-kms-'));
  const servers: Server[] = [];
  const rows: Row[] = [];
  let keytrailSucceeded = 0;
  try {
    const keytrail = await startKeyTrail(dataDir);
    servers.push(keytrail);
    const bare = await startBare(keytrail.target);
    servers.push(bare);
    const inputs = await prepareInputs(keytrail.target);

    const clients: Array<[(target: Target) => LoadClient, readonly BenchOperation[]]> = [
      [(target) => sdkClient(target, inputs, options.concurrency), OPERATIONS],
      [(target) => signedHttpClient(target, inputs, options.concurrency), LEAN_OPERATIONS],
    ];
    for (const [makeClient, operations] of clients) {
      for (const operation of operations) {
        const measured: Record<'keytrail' | 'bare', LoadResult[]> = { keytrail: [], bare: [] };
        let clientName = '';
        // Rounds alternate the two servers, so a change in what else the machine runs weighs on both alike.
        for (let round = 0; round < options.rounds; round++) {
          for (const [slot, server] of [['keytrail', keytrail], ['bare', bare]] as const) {
            const client = makeClient(server.target);
            clientName = client.name;
            try {
              measured[slot].push(await runLoad(client, operation, { ...options, serverPid: server.child.pid }));
            } finally {
              client.close();
            }
          }
        }
        const row: Row = { client: clientName, operation, keytrail: combined(measured.keytrail), bare: combined(measured.bare) };
        keytrailSucceeded += row.keytrail.succeeded;
        rows.push(row);
        console.log(
          `${operation} via ${clientName}: KeyTrail ${fmt(row.keytrail.rate)}/s, bare ${fmt(row.bare.rate)}/s, ` +
            `ratio ${(row.keytrail.rate / row.bare.rate).toFixed(2)}; CPU cores server/client ${cores(row.keytrail)} vs bare ${cores(row.bare)}`,
        );
      }
    }
  } finally {
    for (const server of servers.reverse()) {
      const code = await server.child.stop();
      if (code !== 0) console.error(`${server.name} exited with ${code}:\n${server.child.output()}`);
    }
  }
  const records = await countCallRecords(join(dataDir, 'keytrail.db'));
  rmSync(dataDir, { recursive: true, force: true });
  // Every answered call left its record before the answer: fewer records than answers would be a lie.
  if (records < keytrailSucceeded) throw new Error(`${fmt(keytrailSucceeded)} calls answered but only ${fmt(records)} call records in the event store`);
  console.log(`${fmt(keytrailSucceeded)} KeyTrail calls answered, ${fmt(records)} call records durable in the event store`);
  return report(rows, options, records, keytrailSucceeded, { before: loadBefore, after: loadAverage() });
}

/** Equal windows: the mean rate and CPU; every answered call counts toward the audit check. */
function combined(results: readonly LoadResult[]): LoadResult {
  const mean = (f: (r: LoadResult) => number) => results.reduce((sum, r) => sum + f(r), 0) / results.length;
  return {
    rate: Math.round(mean((r) => r.rate)),
    succeeded: results.reduce((sum, r) => sum + r.succeeded, 0),
    clientCores: mean((r) => r.clientCores),
    serverCores: mean((r) => r.serverCores),
    serverMainThreadCores: mean((r) => r.serverMainThreadCores),
  };
}

function cores(result: LoadResult): string {
  return `${result.serverCores.toFixed(2)}/${result.clientCores.toFixed(2)}`;
}

function report(rows: readonly Row[], options: KmsBenchOptions, records: number, answered: number, load: { before: string; after: string }): string {
  const date = new Date().toISOString().slice(0, 10);
  const lean = rows.filter((r) => !r.client.startsWith('AWS SDK'));
  const sdk = rows.filter((r) => r.client.startsWith('AWS SDK'));
  const best = (op: BenchOperation) => Math.max(...rows.filter((r) => r.operation === op).map((r) => r.keytrail.rate));
  const encrypt = best('Encrypt');
  const leanEncrypt = lean.find((r) => r.operation === 'Encrypt');
  const ratio = leanEncrypt ? leanEncrypt.keytrail.rate / leanEncrypt.bare.rate : Number.NaN;
  const sdkBare = Math.max(...sdk.map((r) => r.bare.rate));
  const leanBare = Math.max(...lean.map((r) => r.bare.rate));
  return [
    '## KMS API over HTTP: KeyTrail beside a bare node:http server',
    '',
    `Measured ${date} on ${machine()}, with \`${commandLine()}\`.`,
    '',
    `Each request is SigV4-signed, authenticated, authorized against the key policy and answered only once its audit record is durable ` +
      `(SQLite WAL, synchronous=FULL, group commit). KeyTrail runs as \`keytrail serve\` on the embedded SQLite default in a temporary data dir; ` +
      `the bare server is node:http answering one fixed AWS JSON body after reading the request. Both are child processes; ` +
      `${options.concurrency} concurrent clients run in the benchmark process over keep-alive connections (maxSockets ${options.concurrency}), ` +
      `${options.rounds} rounds alternating the two servers, each ${options.warmupMs / 1000} s warm-up then ${options.measureMs / 1000} s measured (rates are the mean of the rounds). ` +
      `**Client and server share the machine's ${cpus().length} cores**, so every figure is bounded by both; the CPU columns say who used how much ` +
      `(1.00 = one core busy for the whole window). Load average before / after the run: ${load.before} / ${load.after}.`,
    '',
    table(
      [
        'operation',
        'client',
        'KeyTrail req/s',
        'bare req/s',
        'KeyTrail / bare',
        'CPU server / client (KeyTrail)',
        'CPU server / client (bare)',
        'KeyTrail server CPU per request',
        'of which main thread',
      ],
      rows.map((r) => [
        r.operation,
        r.client,
        fmt(r.keytrail.rate),
        fmt(r.bare.rate),
        (r.keytrail.rate / r.bare.rate).toFixed(2),
        cores(r.keytrail),
        cores(r.bare),
        `${Math.round((r.keytrail.serverCores / r.keytrail.rate) * 1e6)} µs`,
        `${Math.round((r.keytrail.serverMainThreadCores / r.keytrail.rate) * 1e6)} µs`,
      ]),
    ),
    '',
    `Which is the limit: against the bare server the AWS SDK client reaches ${fmt(sdkBare)} req/s and the lean signed client ${fmt(leanBare)} req/s, ` +
      `so ${sdkBare < leanBare * 0.8 ? 'the SDK client itself is the bottleneck there: its figures measure the client, and the lean client\'s figures are the ones that measure the servers' : 'the SDK client is not far from the lean one'}.`,
    '',
    'The durable commit (one fsync per group of appends) runs on the JavaScript thread (the default; `KEYTRAIL_SQLITE_WRITER_THREAD=on` moves it to a worker thread, ' +
      'which measured no faster here). "Server CPU per request" counts every thread of the process; ' +
      '"of which main thread" is the JavaScript thread alone, the serial part that bounds the rate.',
    '',
    `${fmt(answered)} KeyTrail calls answered, ${fmt(records)} call records found durable in the event store afterwards (setup calls included).`,
    '',
    `Goals (issue 5): ≥ ${fmt(ENCRYPT_GOAL)} Encrypt/s (AWS's default regional quota is 5,500/s): ${fmt(encrypt)}/s, ${encrypt >= ENCRYPT_GOAL ? 'met' : 'not met'}; ` +
      `≥ ${RATIO_GOAL * 100}% of the bare server's rate with the same client (Encrypt, lean client): ${(ratio * 100).toFixed(0)}%, ${ratio >= RATIO_GOAL ? 'met' : 'not met'}.`,
  ].join('\n');
}

/** The command as run, with the window settings it was given (run.ts reads them). */
function commandLine(): string {
  const settings = ['BENCH_WARMUP_MS', 'BENCH_MEASURE_MS'].filter((name) => process.env[name] !== undefined).map((name) => `${name}=${process.env[name]}`);
  return [...settings, 'npm run bench -- kms'].join(' ');
}

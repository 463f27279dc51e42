import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { SqliteKmsReadSide } from '../projections/kms-read-side/sqlite-kms-read-side.js';
import { ProjectionRunner } from '../projections/runner/projection-runner.js';
import { keyScheduleProjection } from '../projections/key-schedule/key-schedule-projection.js';
import { SqliteTemporalReadSide, TEMPORAL_PROJECTIONS } from '../projections/temporal/temporal-read-side.js';
import { TimeTravelQueries } from '../src/application/audit/time-travel-queries.js';
import { eventMetadata } from '../src/application/event-metadata.js';
import type { EventToAppend } from '../src/application/ports/event-store.js';
import type { CallContext } from '../src/domain/call-context.js';
import { aliasRegistryStream } from '../src/domain/alias/alias-stream.js';
import { keyStream } from '../src/domain/key/index.js';
import { SqliteEventStore } from '../src/infrastructure/eventstore/sqlite/sqlite-event-store.js';
import { fmt, machine, rate, table } from './report.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const START = Date.parse('2030-01-01T00:00:00.000Z');
const USERS = 20;
/** Histories shorter than this are rebuilt once untimed before each timed rebuild. */
const WARM_UP_BELOW = 100_000;
/** Call records per key: reads and cryptography outnumber changes in a real log. */
const CALLS_PER_KEY = 80;

const userArn = (i: number) => `arn:aws:iam::${ACCOUNT}:user/user${i}`;
const hex64 = () => (randomUUID() + randomUUID()).replaceAll('-', '').slice(0, 64);

let clock = 0;
/** Each event one second after the previous one, in the order they are made. */
function context(caller: number, operation: string): CallContext {
  return {
    requestId: randomUUID(),
    eventId: randomUUID(),
    time: new Date(START + clock++ * 1000).toISOString(),
    caller: { type: 'IAMUser', principalId: `AIDA${String(caller).padStart(17, '0')}`, arn: userArn(caller), accountId: ACCOUNT, userName: `user${caller}` },
    sourceIp: '192.0.2.10',
    userAgent: 'bench',
    region: REGION,
    operation,
    eventType: 'AwsApiCall',
  };
}

function event(type: string, data: EventToAppend['data'], caller: number, operation: string): EventToAppend {
  return { type, data, metadata: eventMetadata(context(caller, operation), 1) };
}

const policy = (extra: object[]) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }, ...extra],
  });

/** One key's life: created, policy replaced twice, grants created and retired, disabled and enabled, tagged. */
function keyLife(k: number): { keyId: string; arn: string; events: EventToAppend[] } {
  const keyId = randomUUID();
  const arn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${keyId}`;
  const owner = k % USERS;
  const events: EventToAppend[] = [
    event('KeyCreated', { keyId, arn, accountId: ACCOUNT, region: REGION, description: `key ${k}`, keyUsage: 'ENCRYPT_DECRYPT', keySpec: 'SYMMETRIC_DEFAULT', origin: 'AWS_KMS', keyManager: 'CUSTOMER', multiRegion: false, creationDate: new Date(START + clock * 1000).toISOString(), backingKeyId: hex64() }, owner, 'CreateKey'),
    event('PolicyPut', { keyId, policyName: 'default', policy: policy([]), bypassPolicyLockoutSafetyCheck: false, defaultPolicy: true }, owner, 'CreateKey'),
  ];
  for (let v = 0; v < 2; v++) {
    const reader = (k + v + 1) % USERS;
    const stmt = { Sid: `Readers${v}`, Effect: 'Allow', Principal: { AWS: userArn(reader) }, Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: '*', Condition: { StringEquals: { 'kms:EncryptionContext:Department': `dept${v}` } } };
    events.push(event('PolicyPut', { keyId, policyName: 'default', policy: policy([stmt]), bypassPolicyLockoutSafetyCheck: false, defaultPolicy: false }, owner, 'PutKeyPolicy'));
  }
  const grants: string[] = [];
  for (let g = 0; g < 4; g++) {
    const grantId = hex64();
    grants.push(grantId);
    events.push(
      event('GrantCreated', { keyId, grantId, name: null, granteePrincipal: userArn((k + g + 3) % USERS), retiringPrincipal: g % 2 === 0 ? userArn(k % USERS) : null, issuingPrincipal: userArn(owner), issuingAccount: `arn:aws:iam::${ACCOUNT}:root`, operations: ['Decrypt', 'Encrypt'], constraints: { encryptionContextEquals: null, encryptionContextSubset: { Project: `p${g}` } }, creationDate: new Date(START + clock * 1000).toISOString() }, owner, 'CreateGrant'),
    );
  }
  events.push(event('KeyDisabled', { keyId }, owner, 'DisableKey'), event('KeyEnabled', { keyId }, owner, 'EnableKey'));
  for (const grantId of grants.slice(0, 2)) events.push(event('GrantRetired', { keyId, grantId }, owner, 'RetireGrant'));
  events.push(event('KeyTagged', { keyId, tags: [{ tagKey: 'team', tagValue: `t${k % 7}` }] }, owner, 'TagResource'));
  return { keyId, arn, events };
}

function callRecords(arn: string, n: number): EventToAppend[] {
  return Array.from({ length: n }, (_, i) => {
    const operation = i % 3 === 0 ? 'Decrypt' : 'Encrypt';
    return {
      id: randomUUID(),
      type: 'KmsCallRecorded',
      data: {
        operation, readOnly: true, requestParameters: { keyId: arn, encryptionContext: { Department: `dept${i % 2}` } }, responseElements: null,
        errorCode: i % 17 === 0 ? 'AccessDeniedException' : null, errorMessage: i % 17 === 0 ? 'denied' : null, resources: [{ accountId: ACCOUNT, type: 'AWS::KMS::Key', ARN: arn }],
      },
      metadata: eventMetadata(context(i % USERS, operation), 1),
    };
  });
}

/** The identities, then keys with their lives, aliases and call records, until `total` events. */
export async function fill(store: SqliteEventStore, total: number): Promise<{ keys: { keyId: string; created: number }[]; written: number }> {
  clock = 0;
  const identity: EventToAppend[] = [event('AccountCreated', { accountId: ACCOUNT, rootArn: `arn:aws:iam::${ACCOUNT}:root` }, 0, 'Install')];
  for (let u = 0; u < USERS; u++) {
    identity.push(event('PrincipalCreated', { accountId: ACCOUNT, principalType: 'User', name: `user${u}`, path: '/', arn: userArn(u), principalId: `AIDA${String(u).padStart(17, '0')}` }, 0, 'CreateUser'));
    identity.push(event('IdentityPolicyPut', { principalType: 'User', principalName: `user${u}`, principalArn: userArn(u), policyName: 'UseKeys', policyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: u % 2 === 0 ? 'kms:*' : ['kms:Encrypt', 'kms:DescribeKey'], Resource: '*' }] }) }, 0, 'PutUserPolicy'));
  }
  await store.append(`iamaccount-${ACCOUNT}`, identity);
  let written = identity.length;
  const keys: { keyId: string; created: number }[] = [];
  for (let k = 0; written < total; k++) {
    const created = clock;
    const life = keyLife(k);
    keys.push({ keyId: life.keyId, created });
    const alias = [event('AliasCreated', { accountId: ACCOUNT, region: REGION, aliasName: `alias/key${k}`, aliasArn: `arn:aws:kms:${REGION}:${ACCOUNT}:alias/key${k}`, targetKeyId: life.keyId, targetKeyUsage: 'ENCRYPT_DECRYPT', targetKeySpec: 'SYMMETRIC_DEFAULT' }, k % USERS, 'CreateAlias')];
    const calls = callRecords(life.arn, Math.min(CALLS_PER_KEY, Math.max(0, total - written - life.events.length - 1)));
    await store.append(`kmskey-${life.keyId}`, life.events);
    await store.append(`kmsalias-${ACCOUNT}_${REGION}`, alias);
    if (calls.length > 0) await store.append(`kmscall-${ACCOUNT}_${REGION}_${k}`, calls);
    written += life.events.length + 1 + calls.length;
  }
  return { keys, written };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface Measured {
  events: number;
  readAll: number;
  rebuild: RebuildRate[];
  allTogether: number;
  p50: number;
  p99: number;
  keyAsOfP99: number;
  /** p50 and p99 (ms) of each KMS read, and the mean number of things it returned, by name. */
  kms: Record<string, { p50: number; p99: number; items: number }>;
}

/**
 * What the KMS List*, Describe* and Get* operations and alias resolution ask of the read
 * side, each with the barrier the operation uses: the key's or alias registry's stream,
 * or the whole log for the lists that span keys.
 */
function kmsReads(kms: SqliteKmsReadSide, keys: readonly { keyId: string }[]): Record<string, (i: number) => Promise<number>> {
  const key = (i: number) => keys[(i * 7919) % keys.length]!.keyId;
  const aliases = aliasRegistryStream(ACCOUNT, REGION);
  const page = { limit: 50, after: null };
  return {
    'alias resolution (Encrypt with alias/…)': async (i) => {
      await kms.catchUp([aliases]);
      return kms.findAlias(ACCOUNT, REGION, `alias/key${(i * 7919) % keys.length}`) === null ? 0 : 1;
    },
    DescribeKey: async (i) => {
      await kms.catchUp([keyStream(key(i))]);
      return kms.key(key(i)) === null ? 0 : 1;
    },
    ListGrants: async (i) => {
      await kms.catchUp([keyStream(key(i))]);
      return kms.listGrants(key(i), {}, page).items.length;
    },
    'ListKeys (first page of 100)': async () => {
      await kms.catchUp();
      return kms.listKeys(ACCOUNT, REGION, { limit: 100, after: null }).items.length;
    },
    ListRetirableGrants: async (i) => {
      await kms.catchUp();
      return kms.listRetirableGrants(REGION, userArn(i % USERS), page).items.length;
    },
  };
}

/** p50 and p99 (ms) of `count` reads run(1000), run(1001), …, after `warmUp` untimed ones; and the mean of what they returned. */
async function timeReads(run: (i: number) => Promise<number>, count: number, warmUp = 200): Promise<{ p50: number; p99: number; items: number }> {
  for (let i = 0; i < warmUp; i++) await run(i);
  const times: number[] = [];
  let items = 0;
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    items += await run(i + 1000);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), items: items / count };
}

/** Every projection of the read-model database: the temporal read models and the key schedule. */
const READ_MODEL_PROJECTIONS = [...TEMPORAL_PROJECTIONS, keyScheduleProjection];

/** Rounds of one readAll and one rebuild, side by side, per projection (BENCH_REBUILD_ROUNDS). */
const REBUILD_ROUNDS = Number(process.env['BENCH_REBUILD_ROUNDS'] ?? 3);
/**
 * Below WARM_UP_BELOW events, rounds are this many times as many: such a rebuild lasts a
 * tenth of a second, and single rounds swing by a third with the machine's moment (with 12
 * rounds, key usage's median at 10,000 events ranged from 0.47 to 0.56 over four runs of
 * one build; alone, with 20 rounds, 0.55 to 0.56).
 */
const SHORT_HISTORY_ROUND_FACTOR = 8;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface RebuildRate {
  readonly name: string;
  /** Median rebuild events/s over the rounds. */
  readonly rate: number;
  /** Median over the rounds of rebuild rate / the readAll rate measured just before it. */
  readonly ratio: number;
  readonly ratios: readonly number[];
}

/**
 * readAll events/s and each read model projection's rebuild events/s (or only those named in
 * `only`, comma-separated), on one event store and read-model database. Each rebuild is
 * measured in rounds right after a readAll, and the ratio taken per round: this machine's
 * speed drifts by more than the differences being measured within a minute.
 */
export async function measureRebuilds(
  store: SqliteEventStore,
  db: Database.Database,
  only?: string,
): Promise<{ read: number; readAll: number; rebuild: RebuildRate[] }> {
  // Untimed: the first pass pays for compiling the read path and for bringing the file into memory.
  let read = 0;
  for await (const e of store.readAll()) {
    if (e.data === undefined || e.metadata === undefined) throw new Error(`Event ${e.id} has no payload`);
    read++;
  }
  const readAlls: number[] = [];
  // The store parses every event's data and metadata as it reads it, so this is the raw
  // rate a projection's input arrives at.
  const readAll = async (): Promise<number> => {
    const t = performance.now();
    read = 0;
    for await (const e of store.readAll()) if (e.revision >= 0n) read++;
    readAlls.push(rate(read, performance.now() - t));
    return readAlls.at(-1)!;
  };

  const rebuild: RebuildRate[] = [];
  const chosen = only === undefined ? READ_MODEL_PROJECTIONS : READ_MODEL_PROJECTIONS.filter((p) => only.split(',').includes(p.name));
  for (const projection of chosen) {
    const runner = new ProjectionRunner(store, db, projection);
    // Untimed on a short history, as readAll's first pass is: a rebuild of 10,000 events takes
    // a fraction of a second, most of it otherwise spent running the projection's code before
    // it is compiled. On a long one that share is lost in the noise.
    const short = read < WARM_UP_BELOW;
    if (short) await runner.rebuild();
    // As in a running server, where a staged projection's writer thread has long loaded.
    await runner.prepare();
    const rates: number[] = [];
    const ratios: number[] = [];
    for (let round = 0; round < (short ? SHORT_HISTORY_ROUND_FACTOR : 1) * REBUILD_ROUNDS; round++) {
      const before = await readAll();
      const t = performance.now();
      await runner.rebuild();
      // A rebuild covers the whole log, also the events the store leaves out for the projection.
      rates.push(rate(read, performance.now() - t));
      ratios.push(rates.at(-1)! / before);
    }
    await runner.stop();
    rebuild.push({ name: projection.name, rate: Math.round(median(rates)), ratio: median(ratios), ratios });
    console.log(`rebuild ${projection.name}: ${fmt(Math.round(median(rates)))} events/s, / readAll ${ratios.map((r) => r.toFixed(2)).join(' ')}`);
  }
  const readAllRate = Math.round(median(readAlls));
  console.log(`readAll: ${fmt(readAllRate)} events/s (median of ${readAlls.length})`);
  return { read, readAll: readAllRate, rebuild };
}

async function measure(dir: string, total: number): Promise<Measured> {
  const path = join(dir, `events-${total}.db`);
  const filling = SqliteEventStore.open(path);
  const { keys, written } = await fill(filling, total).finally(() => filling.close());
  console.log(`${fmt(written)} events, ${fmt(keys.length)} keys`);
  // Opened again, as `keytrail projections rebuild` opens a store that is already there:
  // read on the heels of a million appends in the same process, readAll ran about 15% slower.
  const store = SqliteEventStore.open(path);
  const db = new Database(join(dir, `readmodels-${total}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  try {

    const { read, readAll, rebuild } = await measureRebuilds(store, db);

    const readSide = new SqliteTemporalReadSide(store, db);
    let t = performance.now();
    await Promise.all(readSide.projectionRunners.map((r) => r.rebuild()));
    const allTogether = rate(read, performance.now() - t);
    console.log(`rebuild of the four temporal read models at once: ${fmt(allTogether)} log events/s`);

    const end = clock;
    const queries = new TimeTravelQueries(readSide, store, { now: () => new Date(START + end * 1000) });
    const sample = (i: number) => {
      const key = keys[(i * 7919) % keys.length]!;
      const at = key.created + ((i * 104729) % Math.max(1, end - key.created));
      return { keyId: key.keyId, time: new Date(START + at * 1000).toISOString() };
    };
    const whoCanUse = await timeReads(async (i) => {
      const s = sample(i);
      await queries.whoCouldUse(s.keyId, { operation: 'Decrypt', asOf: { time: s.time } });
      return 1;
    }, 2000);
    const keyAsOf = await timeReads(async (i) => {
      const s = sample(i + 4000);
      await queries.keyAsOf(s.keyId, { asOf: { time: s.time } });
      return 1;
    }, 2000, 0);
    const kms: Measured['kms'] = {};
    for (const [name, run] of Object.entries(kmsReads(new SqliteKmsReadSide(readSide, db), keys))) {
      kms[name] = await timeReads(run, 2000);
      console.log(`${name}: p50 ${kms[name].p50.toFixed(3)} ms, p99 ${kms[name].p99.toFixed(3)} ms, ${kms[name].items.toFixed(1)} returned`);
    }
    await readSide.stop();
    console.log(`who-can-use p50 ${whoCanUse.p50.toFixed(2)} ms, p99 ${whoCanUse.p99.toFixed(2)} ms`);
    return { events: read, readAll, rebuild, allTogether, p50: whoCanUse.p50, p99: whoCanUse.p99, keyAsOfP99: keyAsOf.p99, kms };
  } finally {
    await store.close();
    db.close();
  }
}

/** The goals of issue 6 and whether this run met them; the four projections at once are not a goal (a rebuild of all runs them one by one). */
function goalsLine(results: readonly Measured[]): string {
  const first = results[0]!;
  const last = results[results.length - 1]!;
  const p99 = Math.max(...results.map((r) => r.p99));
  const flat = last.p99 / first.p99;
  const slowest = results.flatMap((r) => r.rebuild.map((x) => ({ events: r.events, ...x }))).reduce((a, b) => (b.ratio < a.ratio ? b : a));
  const verdict = (ok: boolean) => (ok ? 'met' : 'not met');
  return (
    'Goals (issue 6): p99 under 10 ms and within 2x from 10k to 1M events; each rebuild at least half the raw read rate. ' +
    `Highest p99 ${p99.toFixed(2)} ms, ${verdict(p99 < 10)}; p99 ratio ${flat.toFixed(2)}, ${verdict(flat <= 2)}; ` +
    `lowest rebuild median ${slowest.ratio.toFixed(2)} of readAll (${slowest.name} at ${fmt(slowest.events)} events; its lowest single round ${Math.min(...slowest.ratios).toFixed(2)}), ${verdict(slowest.ratio >= 0.5)}. ` +
    'Rebuilding all four temporal read models at once is not a goal: `keytrail projections rebuild` runs them one after another.'
  );
}

export async function benchTimeTravel(options: { sizes: number[] }): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'keytrail-timetravel-'));
  try {
    const results: Measured[] = [];
    for (const size of options.sizes) results.push(await measure(dir, size));
    const names = READ_MODEL_PROJECTIONS.map((p) => p.name);
    const ms = (x: number) => x.toFixed(2);
    const first = results[0]!;
    const last = results[results.length - 1]!;
    return [
      '## Time travel: temporal read models and "who could use K for O at T"',
      '',
      `Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}, with \`npm run bench -- timetravel\`${process.execArgv.length > 0 ? ` (node ${process.execArgv.join(' ')})` : ''}.`,
      `Histories of one account with ${USERS} users; per key: created, policy replaced twice, 4 grants (2 retired), disabled and enabled, tagged, an alias, and ${CALLS_PER_KEY} call records (Encrypt/Decrypt).`,
      'A query is `TimeTravelQueries.whoCouldUse(K, Decrypt, asOf T)` for a random key and a random instant of its life, including the read-your-writes barrier, on the SQLite engine (read models in WAL, synchronous=NORMAL).',
      '',
      table(
        ['events', 'who-can-use p50 (ms)', 'who-can-use p99 (ms)', 'key-as-of p99 (ms)'],
        results.map((r) => [fmt(r.events), ms(r.p50), ms(r.p99), ms(r.keyAsOfP99)]),
      ),
      '',
      `p99 at ${fmt(last.events)} events / p99 at ${fmt(first.events)} events: ${(last.p99 / first.p99).toFixed(2)}.`,
      '',
      table(
        ['events', 'readAll events/s', ...names.map((n) => `rebuild ${n} events/s`), 'the four temporal ones at once (log events/s)'],
        results.map((r) => [
          fmt(r.events),
          fmt(r.readAll),
          ...r.rebuild.map((x) => `${fmt(x.rate)} (${x.ratio.toFixed(2)}; ${Math.min(...x.ratios).toFixed(2)}–${Math.max(...x.ratios).toFixed(2)})`),
          fmt(r.allTogether),
        ]),
      ),
      '',
      'The KMS operations\' reads of the same read models, as of now, each with the read-your-writes barrier its operation uses (the stream of the key or of the alias registry; the whole log for ListKeys and ListRetirableGrants): p50 / p99 in ms, and in brackets how many keys, aliases or grants one read returned on average (a list returns at most a page: 100 keys, 50 grants).',
      '',
      table(
        ['read', ...results.map((r) => `${fmt(r.events)} events`), `p99 ratio ${fmt(last.events)} / ${fmt(first.events)}`],
        Object.keys(first.kms).map((name) => [
          name,
          ...results.map((r) => `${r.kms[name]!.p50.toFixed(3)} / ${r.kms[name]!.p99.toFixed(3)} (${r.kms[name]!.items.toFixed(1)})`),
          (last.kms[name]!.p99 / first.kms[name]!.p99).toFixed(2),
        ]),
      ),
      '',
      `readAll is the raw read: every event read and its data and metadata parsed, as a projection receives it. Both are measured warm: readAll after one untimed pass, and below ${fmt(WARM_UP_BELOW)} events each projection after one untimed rebuild. Each projection is rebuilt ${REBUILD_ROUNDS} times (${SHORT_HISTORY_ROUND_FACTOR * REBUILD_ROUNDS} below ${fmt(WARM_UP_BELOW)} events), each time right after a readAll; the rebuild rate is the median, the readAll rate the median of all readAll passes. A rebuild rate is log events per second: every event of the log counts, also those the store's filter leaves out for the projection (passed over by checkpoint, never parsed). In brackets: the median over the rounds of the rebuild rate / the rate of the readAll just before it, then the lowest and the highest round. temporal-keys applies about 1 event in 7 here, temporal-key-usage nearly all.`,
      goalsLine(results),
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

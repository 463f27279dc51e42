import { join, resolve } from 'node:path';
import { MAX_REPORT_DAYS } from '../../application/compliance/compliance-settings.js';

/**
 * Where the events live. `sqlite:<path>` is the embedded default; an `esdb://` or
 * `esdb+discover://` connection string selects EventStoreDB.
 */
export type StoreLocation = { readonly engine: 'sqlite'; readonly path: string } | { readonly engine: 'esdb'; readonly connectionString: string };

export interface KeyTrailConfig {
  readonly store: StoreLocation;
  readonly dataDir: string;
  /** Unset: the embedded default keeps (and on first start creates) `<dataDir>/root.key`. */
  readonly rootKeyFile: string;
  readonly host: string;
  readonly port: number;
  readonly region: string;
  /** How often a command is decided again after losing an optimistic-concurrency race. */
  readonly commandAttempts: number;
  /** Largest request body the KMS endpoint reads; larger ones get a 413. */
  readonly maxBodyBytes: number;
  /** How often due rotations and deletions run; 0: never on this node. */
  readonly maintenanceIntervalMs: number;
  readonly grantLimits: { readonly grantsPerKey: number; readonly grantsPerGranteePerKey: number };
  readonly aliasLimits: { readonly aliasesPerKey: number; readonly aliasesPerRegion: number };
  /** The limits of compliance reports' time-based controls, in days. */
  readonly report: { readonly cryptoperiodDays: number; readonly grantMaxAgeDays: number; readonly unusedKeyDays: number };
  /** Threads `trail export` uses: 2 exports the later half of the log on a worker thread (SQLite only). */
  readonly trailExportThreads: number;
  /** SQLite engine: commit (and fsync) on a worker thread instead of the JavaScript thread. */
  readonly sqliteWriterThread: boolean;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Every setting, with the environment variable that sets it and its default. */
export const SETTINGS = {
  store: { env: 'KEYTRAIL_STORE', default: 'sqlite:<data dir>/keytrail.db' },
  dataDir: { env: 'KEYTRAIL_DATA_DIR', default: './data' },
  rootKeyFile: { env: 'KEYTRAIL_ROOT_KEY_FILE', default: '<data dir>/root.key' },
  host: { env: 'KEYTRAIL_HOST', default: '127.0.0.1' },
  port: { env: 'KEYTRAIL_PORT', default: '4599' },
  region: { env: 'KEYTRAIL_REGION', default: 'us-east-1' },
  commandAttempts: { env: 'KEYTRAIL_COMMAND_ATTEMPTS', default: '20' },
  maxBodyBytes: { env: 'KEYTRAIL_MAX_BODY_BYTES', default: '1048576' },
  maintenanceIntervalMs: { env: 'KEYTRAIL_MAINTENANCE_INTERVAL_MS', default: '60000' },
  grantLimits: { env: 'KEYTRAIL_GRANT_LIMITS', default: 'aws' },
  aliasLimits: { env: 'KEYTRAIL_ALIAS_LIMITS', default: '50,unlimited' },
  reportCryptoperiodDays: { env: 'KEYTRAIL_REPORT_CRYPTOPERIOD_DAYS', default: '365' },
  reportGrantMaxAgeDays: { env: 'KEYTRAIL_REPORT_GRANT_MAX_AGE_DAYS', default: '90' },
  reportUnusedKeyDays: { env: 'KEYTRAIL_REPORT_UNUSED_KEY_DAYS', default: '90' },
  trailExportThreads: { env: 'KEYTRAIL_TRAIL_EXPORT_THREADS', default: '1' },
  sqliteWriterThread: { env: 'KEYTRAIL_SQLITE_WRITER_THREAD', default: 'off' },
} as const;

export type ConfigOverrides = Partial<Record<keyof typeof SETTINGS, string>>;

/** Command-line flags win over environment variables, which win over defaults. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: ConfigOverrides = {}): KeyTrailConfig {
  const get = (name: keyof typeof SETTINGS): string | undefined => overrides[name] ?? env[SETTINGS[name].env] ?? undefined;
  const dataDir = resolve(get('dataDir') ?? SETTINGS.dataDir.default);
  return {
    store: parseStore(get('store') ?? `sqlite:${join(dataDir, 'keytrail.db')}`),
    dataDir,
    rootKeyFile: resolve(get('rootKeyFile') ?? join(dataDir, 'root.key')),
    host: get('host') ?? SETTINGS.host.default,
    port: parseInteger('port', get('port') ?? SETTINGS.port.default, 0, 65535),
    region: parseRegion(get('region') ?? SETTINGS.region.default),
    commandAttempts: parseInteger('commandAttempts', get('commandAttempts') ?? SETTINGS.commandAttempts.default, 1, 1000),
    maxBodyBytes: parseInteger('maxBodyBytes', get('maxBodyBytes') ?? SETTINGS.maxBodyBytes.default, 1024, 64 * 1024 * 1024),
    maintenanceIntervalMs: parseInteger('maintenanceIntervalMs', get('maintenanceIntervalMs') ?? SETTINGS.maintenanceIntervalMs.default, 0, 24 * 3600 * 1000),
    grantLimits: parseGrantLimits(get('grantLimits') ?? SETTINGS.grantLimits.default),
    aliasLimits: parseAliasLimits(get('aliasLimits') ?? SETTINGS.aliasLimits.default),
    report: {
      cryptoperiodDays: parseInteger('reportCryptoperiodDays', get('reportCryptoperiodDays') ?? SETTINGS.reportCryptoperiodDays.default, 1, MAX_REPORT_DAYS),
      grantMaxAgeDays: parseInteger('reportGrantMaxAgeDays', get('reportGrantMaxAgeDays') ?? SETTINGS.reportGrantMaxAgeDays.default, 1, MAX_REPORT_DAYS),
      unusedKeyDays: parseInteger('reportUnusedKeyDays', get('reportUnusedKeyDays') ?? SETTINGS.reportUnusedKeyDays.default, 1, MAX_REPORT_DAYS),
    },
    trailExportThreads: parseInteger('trailExportThreads', get('trailExportThreads') ?? SETTINGS.trailExportThreads.default, 1, 2),
    sqliteWriterThread: parseSwitch('sqliteWriterThread', get('sqliteWriterThread') ?? SETTINGS.sqliteWriterThread.default),
  };
}

/** The read models sit beside the events on one machine; in memory when the events are. */
export function readModelPath(config: KeyTrailConfig): string {
  return config.store.engine === 'sqlite' && config.store.path === ':memory:' ? ':memory:' : join(config.dataDir, 'readmodels.db');
}

export function parseStore(text: string): StoreLocation {
  if (text.startsWith('sqlite:')) {
    const path = text.slice('sqlite:'.length);
    if (path.length === 0) throw new ConfigError(`${SETTINGS.store.env}: 'sqlite:' needs a file path, e.g. sqlite:./data/keytrail.db`);
    return { engine: 'sqlite', path: path === ':memory:' ? path : resolve(path) };
  }
  if (/^esdb(\+discover)?:\/\//.test(text)) return { engine: 'esdb', connectionString: text };
  throw new ConfigError(`${SETTINGS.store.env}: '${text}' is neither sqlite:<path> nor an esdb:// connection string`);
}

/** `aws` (today's quotas: 50,000 per key, 500 per grantee), `aws-2015` (250 and 30), or `<per key>,<per grantee>`. */
function parseGrantLimits(text: string): KeyTrailConfig['grantLimits'] {
  if (text === 'aws') return { grantsPerKey: 50_000, grantsPerGranteePerKey: 500 };
  if (text === 'aws-2015') return { grantsPerKey: 250, grantsPerGranteePerKey: 30 };
  const m = /^(\d+),(\d+)$/.exec(text);
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) {
    throw new ConfigError(`${SETTINGS.grantLimits.env}: '${text}' is not aws, aws-2015 or <grants per key>,<grants per grantee per key>`);
  }
  return { grantsPerKey: Number(m[1]), grantsPerGranteePerKey: Number(m[2]) };
}

/** `<aliases per key>,<aliases per account and Region>`, either may be `unlimited`. */
function parseAliasLimits(text: string): KeyTrailConfig['aliasLimits'] {
  const m = /^(\d+|unlimited),(\d+|unlimited)$/.exec(text);
  const limit = (t: string) => (t === 'unlimited' ? Number.POSITIVE_INFINITY : Number(t));
  if (!m || limit(m[1]!) < 1 || limit(m[2]!) < 1) {
    throw new ConfigError(`${SETTINGS.aliasLimits.env}: '${text}' is not <aliases per key>,<aliases per account and Region> (numbers or unlimited)`);
  }
  return { aliasesPerKey: limit(m[1]!), aliasesPerRegion: limit(m[2]!) };
}

function parseSwitch(name: keyof typeof SETTINGS, text: string): boolean {
  if (text === 'on' || text === 'off') return text === 'on';
  throw new ConfigError(`${SETTINGS[name].env}: '${text}' is neither on nor off`);
}

function parseInteger(name: keyof typeof SETTINGS, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${SETTINGS[name].env}: '${text}' is not a whole number from ${min} to ${max}`);
  }
  return n;
}

function parseRegion(text: string): string {
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(text)) throw new ConfigError(`${SETTINGS.region.env}: '${text}' is not a region name like us-east-1`);
  return text;
}
export const KeyTrailConfig = Symbol.for('keytrail.KeyTrailConfig');

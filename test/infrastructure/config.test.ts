import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/infrastructure/config/config.js';

describe('configuration', () => {
  it('defaults to the embedded SQLite engine in ./data', () => {
    const config = loadConfig({});
    expect(config.store).toEqual({ engine: 'sqlite', path: resolve('data/keytrail.db') });
    expect(config.rootKeyFile).toBe(resolve('data/root.key'));
    expect(config.port).toBe(4599);
    expect(config.region).toBe('us-east-1');
  });

  it('reads KEYTRAIL_* variables, and flags win over them', () => {
    const env = { KEYTRAIL_STORE: 'esdb://localhost:2113?tls=false', KEYTRAIL_PORT: '8080', KEYTRAIL_DATA_DIR: '/var/lib/keytrail' };
    expect(loadConfig(env)).toMatchObject({
      store: { engine: 'esdb', connectionString: 'esdb://localhost:2113?tls=false' },
      port: 8080,
      rootKeyFile: '/var/lib/keytrail/root.key',
    });
    expect(loadConfig(env, { store: 'sqlite:/tmp/k.db', port: '9000' })).toMatchObject({
      store: { engine: 'sqlite', path: '/tmp/k.db' },
      port: 9000,
    });
    expect(loadConfig({ KEYTRAIL_STORE: 'esdb+discover://a:2113,b:2113,c:2113?tls=false' }).store.engine).toBe('esdb');
  });

  it('refuses settings it cannot use, naming the variable', () => {
    expect(() => loadConfig({ KEYTRAIL_STORE: 'postgres://x' })).toThrow(/KEYTRAIL_STORE/);
    expect(() => loadConfig({ KEYTRAIL_STORE: 'sqlite:' })).toThrow(ConfigError);
    expect(() => loadConfig({ KEYTRAIL_PORT: '70000' })).toThrow(/KEYTRAIL_PORT/);
    expect(() => loadConfig({ KEYTRAIL_REGION: 'mars' })).toThrow(/KEYTRAIL_REGION/);
    expect(() => loadConfig({ KEYTRAIL_SQLITE_WRITER_THREAD: 'yes' })).toThrow(/KEYTRAIL_SQLITE_WRITER_THREAD/);
    expect(() => loadConfig({ KEYTRAIL_TRAIL_EXPORT_THREADS: '3' })).toThrow(/KEYTRAIL_TRAIL_EXPORT_THREADS/);
  });

  it('writes SQLite commits on the JavaScript thread and exports the trail in one pass unless told otherwise', () => {
    expect(loadConfig({})).toMatchObject({ sqliteWriterThread: false, trailExportThreads: 1 });
    expect(loadConfig({ KEYTRAIL_SQLITE_WRITER_THREAD: 'on', KEYTRAIL_TRAIL_EXPORT_THREADS: '2' })).toMatchObject({ sqliteWriterThread: true, trailExportThreads: 2 });
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/infrastructure/eventstore/sqlite/sqlite-event-store.js';
import { describeEventStoreContract } from './contract.js';

describeEventStoreContract('sqlite (file)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keytrail-contract-'));
  const store = SqliteEventStore.open(join(dir, 'events.db'));
  return {
    store,
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describeEventStoreContract('sqlite (file, writer thread)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keytrail-contract-'));
  const store = SqliteEventStore.open(join(dir, 'events.db'), { writerThread: true });
  return {
    store,
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describeEventStoreContract('sqlite (memory)', async () => {
  const store = SqliteEventStore.open(':memory:');
  return { store, close: () => store.close() };
});

import { describe } from 'vitest';
import { EsdbEventStore } from '../../../src/infrastructure/eventstore/esdb/esdb-event-store.js';
import { describeEventStoreContract } from '../contract.js';
import { startEsdbProtocolDouble } from './protocol-double/esdb-protocol-double.js';

// The adapter over the protocol double (BatchAppend, as a 24.10 server offers it) and over
// the older unary Append path the client falls back to.
describeEventStoreContract('esdb (protocol double)', async () => {
  const double = await startEsdbProtocolDouble();
  const store = new EsdbEventStore(double.connectionString);
  return {
    store,
    close: async () => {
      await store.close();
      await double.close();
    },
  };
});

describeEventStoreContract('esdb (protocol double, unary Append)', async () => {
  const double = await startEsdbProtocolDouble({ batchAppend: false });
  const store = new EsdbEventStore(double.connectionString);
  return {
    store,
    close: async () => {
      await store.close();
      await double.close();
    },
  };
});

const liveUrl = process.env.KEYTRAIL_ESDB_URL;
describe.skipIf(!liveUrl)('skipped: set KEYTRAIL_ESDB_URL to run against a live EventStoreDB', () => {
  describeEventStoreContract(`esdb (live: ${liveUrl ?? 'unset'})`, async () => {
    const store = new EsdbEventStore(liveUrl!);
    return { store, close: () => store.close() };
  });
});

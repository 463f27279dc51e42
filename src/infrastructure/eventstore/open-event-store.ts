import type { EventStore } from '../../application/ports/event-store.js';
import type { StoreLocation } from '../config/config.js';
import { SqliteEventStore } from './sqlite/sqlite-event-store.js';

/** The engine named by the configuration. EventStoreDB's client loads only when asked for. */
export async function openEventStore(location: StoreLocation, sqlite: { readonly writerThread: boolean } = { writerThread: false }): Promise<EventStore> {
  if (location.engine === 'sqlite') return SqliteEventStore.open(location.path, sqlite);
  const { EsdbEventStore } = await import('./esdb/esdb-event-store.js');
  return new EsdbEventStore(location.connectionString);
}

import type { EventFilter } from '../../../application/ports/event-store.js';

/**
 * A filter as a SQL predicate with its parameters. Prefixes compare with substr rather
 * than LIKE, which is case-insensitive in SQLite and treats `_` and `%` as wildcards.
 */
export function filterPredicate(filter: EventFilter | undefined): { sql: string; params: string[] } {
  if (!filter) return { sql: '1', params: [] };
  const [column, prefixes] =
    'streamNamePrefixes' in filter ? ['stream', filter.streamNamePrefixes] : ['type', filter.eventTypePrefixes];
  if (prefixes.length === 0) return { sql: '0', params: [] };
  const clauses = prefixes.map((p) => `substr(${column}, 1, ${[...p].length}) = ?`);
  return { sql: `(${clauses.join(' OR ')})`, params: [...prefixes] };
}

export function filterKey(filter: EventFilter | undefined): string {
  return filter ? JSON.stringify(filter) : '';
}

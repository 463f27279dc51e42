import type { EventFilter } from '../../../application/ports/event-store.js';

/**
 * A filter as a SQL predicate with its parameters. Prefixes compare with substr rather
 * than LIKE, which is case-insensitive in SQLite and treats `_` and `%` as wildcards.
 */
export function filterPredicate(filter: EventFilter | undefined): { sql: string; params: string[] } {
  if (!filter) return { sql: '1', params: [] };
  if ('eventTypes' in filter) {
    if (filter.eventTypes.length === 0) return { sql: '0', params: [] };
    return { sql: `type IN (${filter.eventTypes.map(() => '?').join(', ')})`, params: [...filter.eventTypes] };
  }
  const [column, prefixes] =
    'streamNamePrefixes' in filter ? ['stream', filter.streamNamePrefixes] : ['type', filter.eventTypePrefixes];
  if (prefixes.length === 0) return { sql: '0', params: [] };
  const clauses = prefixes.map((p) => `substr(${column}, 1, ${[...p].length}) = ?`);
  return { sql: `(${clauses.join(' OR ')})`, params: [...prefixes] };
}

export function filterKey(filter: EventFilter | undefined): string {
  return filter ? JSON.stringify(filter) : '';
}

/** The same rule in JavaScript, for rows already in memory. */
export function filterAccepts(filter: EventFilter | undefined, stream: string, type: string): boolean {
  if (!filter) return true;
  if ('eventTypes' in filter) return filter.eventTypes.includes(type);
  if ('streamNamePrefixes' in filter) return filter.streamNamePrefixes.some((p) => stream.startsWith(p));
  return filter.eventTypePrefixes.some((p) => type.startsWith(p));
}

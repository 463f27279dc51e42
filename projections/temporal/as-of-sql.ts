import { normaliseTime } from '../../src/application/audit/instant.js';
import type { AsOf, Range } from '../../src/application/audit/temporal-read-models.js';

/** How an instant is compared in SQL: by call time, by global position, or "now" (open versions). */
export type Axis = 'time' | 'position' | 'now';

export function axisOf(asOf: AsOf | undefined): Axis {
  if (asOf === undefined) return 'now';
  return 'time' in asOf ? 'time' : 'position';
}

/** Named parameters for an instant: @t, or @c and @p. Times are normalised so text order is time order. */
export function asOfParams(asOf: AsOf | undefined, prefix = ''): Record<string, string | bigint> {
  if (asOf === undefined) return {};
  if ('time' in asOf) return { [`${prefix}t`]: normaliseTime(asOf.time) };
  return { [`${prefix}c`]: asOf.position.commit, [`${prefix}p`]: asOf.position.prepare };
}


/** The versions valid at the instant: from <= instant < to (an instant sees a change made at it). */
export function validAt(axis: Axis, table = ''): string {
  const c = (name: string) => (table === '' ? name : `${table}.${name}`);
  switch (axis) {
    case 'now':
      return `${c('to_commit')} IS NULL`;
    case 'time':
      return `${c('from_time')} <= @t AND (${c('to_time')} IS NULL OR ${c('to_time')} > @t)`;
    case 'position':
      return `(${c('from_commit')}, ${c('from_prepare')}) <= (@c, @p) AND (${c('to_commit')} IS NULL OR (${c('to_commit')}, ${c('to_prepare')}) > (@c, @p))`;
  }
}

/** An edge (from_ or to_) of a version falls in (after, until]. */
export function edgeIn(axis: Exclude<Axis, 'now'>, edge: 'from' | 'to', bounds: { after: boolean; until: boolean }): string {
  const parts: string[] = [];
  if (axis === 'time') {
    if (bounds.after) parts.push(`${edge}_time > @at`);
    if (bounds.until) parts.push(`${edge}_time <= @ut`);
    if (edge === 'to') parts.push('to_time IS NOT NULL');
  } else {
    if (bounds.after) parts.push(`(${edge}_commit, ${edge}_prepare) > (@ac, @ap)`);
    if (bounds.until) parts.push(`(${edge}_commit, ${edge}_prepare) <= (@uc, @up)`);
    if (edge === 'to') parts.push('to_commit IS NOT NULL');
  }
  return parts.length === 0 ? '1' : parts.join(' AND ');
}

/** The axis of a range; both ends must use the same one. */
export function rangeAxis(range: Partial<Range>): Exclude<Axis, 'now'> {
  const axes = new Set([range.after, range.until].filter((x) => x !== undefined).map(axisOf));
  if (axes.size > 1) throw new RangeError('Both ends of a range must be times, or both positions');
  return axes.has('position') ? 'position' : 'time';
}

export function rangeParams(range: Partial<Range>): Record<string, string | bigint> {
  return { ...asOfParams(range.after, 'a'), ...asOfParams(range.until, 'u') };
}

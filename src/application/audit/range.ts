import { formatPosition } from '../ports/positions.js';
import { normaliseTime } from './instant.js';
import { comparePositionText } from './key-as-of.js';
import type { AsOf, Citation, Range } from './temporal-read-models.js';

/** Whether an event falls in (after, until]: after one instant, up to and including the other; an open end is unbounded. */
export function inRange(c: Citation, range: Partial<Range>): boolean {
  return (range.after === undefined || isAfter(c, range.after)) && (range.until === undefined || !isAfter(c, range.until));
}

/** Strictly after the instant: an event at the instant is part of what the instant sees. */
export function isAfter(c: Citation, bound: AsOf): boolean {
  if ('time' in bound) return c.time > normaliseTime(bound.time);
  return comparePositionText(c.position, formatPosition(bound.position)) > 0;
}

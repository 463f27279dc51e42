import type { AsOf } from './temporal-read-models.js';
import { formatPosition, parsePosition } from '../ports/positions.js';

/** The instant a question is asked at: how the read models select versions, and aws:CurrentTime for conditions. */
export interface Instant {
  /** undefined: now (the versions still valid). */
  readonly asOf: AsOf | undefined;
  readonly currentTime: string;
}

/** What an answer states about its instant. */
export interface InstantLabel {
  readonly time: string;
  readonly position?: string;
}

export function labelOf(instant: Instant): InstantLabel {
  return instant.asOf !== undefined && 'position' in instant.asOf
    ? { time: instant.currentTime, position: formatPosition(instant.asOf.position) }
    : { time: instant.currentTime };
}

/** ISO-8601 with milliseconds, so that text order is time order. */
export function normaliseTime(time: string): string {
  const ms = Date.parse(time);
  if (Number.isNaN(ms)) throw new RangeError(`Not a time: '${time}'`);
  return new Date(ms).toISOString();
}

/** An instant as a person writes it: a global position (`<commit>/<prepare>` or a number) or an ISO-8601 time. */
export function parseAsOf(text: string): AsOf {
  const trimmed = text.trim();
  if (/^\d+(\/\d+)?$/.test(trimmed)) return { position: parsePosition(trimmed) };
  return { time: normaliseTime(trimmed) };
}

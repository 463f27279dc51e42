import type { Clock } from '../ports/clock.js';
import type { EventStore, GlobalPosition } from '../ports/event-store.js';
import { formatPosition, parsePosition } from '../ports/positions.js';
import type { AsOf, TemporalReadModels } from './temporal-read-models.js';

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

/**
 * Waits for the read models (read-your-writes), then fixes the instant and aws:CurrentTime:
 * the time asked, the time of the event at a position, or now.
 */
export async function resolveInstant(models: TemporalReadModels, store: EventStore, clock: Clock, asOf: AsOf | undefined): Promise<Instant> {
  await models.catchUp();
  if (asOf === undefined) return { asOf, currentTime: clock.now().toISOString() };
  if ('time' in asOf) {
    const time = normaliseTime(asOf.time);
    return { asOf: { time }, currentTime: time };
  }
  return { asOf, currentTime: await timeAt(store, asOf.position) };
}

async function timeAt(store: EventStore, position: GlobalPosition): Promise<string> {
  for await (const event of store.readAll({ direction: 'backwards', fromPosition: position, maxCount: 1 })) {
    const time = event.metadata['time'];
    return typeof time === 'string' ? normaliseTime(time) : event.created.toISOString();
  }
  throw new RangeError(`No event at or before position ${position.commit}/${position.prepare}`);
}

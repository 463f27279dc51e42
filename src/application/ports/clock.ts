/**
 * The one source of "now". The domain never reads a clock; adapters and use cases ask
 * this port, so tests (and "as of T" replays) can fix time.
 */
export interface Clock {
  now(): Date;
}
export const Clock = Symbol.for('keytrail.Clock');

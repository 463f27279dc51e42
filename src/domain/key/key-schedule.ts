import { KmsError } from '../errors.js';

/** Automatic rotation period bounds and default (EnableKeyRotation's RotationPeriodInDays). */
export const MIN_ROTATION_PERIOD_IN_DAYS = 90;
export const MAX_ROTATION_PERIOD_IN_DAYS = 2560;
export const DEFAULT_ROTATION_PERIOD_IN_DAYS = 365;

/** RotateKeyOnDemand may be used this many times per key (the API reference's figure). */
export const DEFAULT_MAX_ON_DEMAND_ROTATIONS = 10;

/** ScheduleKeyDeletion's PendingWindowInDays bounds and default. */
export const MIN_PENDING_WINDOW_IN_DAYS = 7;
export const MAX_PENDING_WINDOW_IN_DAYS = 30;
export const DEFAULT_PENDING_WINDOW_IN_DAYS = 30;

const DAY_MS = 86_400_000;

/** Calendar arithmetic on the ISO times commands carry; reads no clock. */
export function addDays(isoTime: string, days: number): string {
  return new Date(Date.parse(isoTime) + days * DAY_MS).toISOString();
}

/** Whether `now` has reached `when` (both ISO-8601). */
export function hasReached(now: string, when: string): boolean {
  return Date.parse(now) >= Date.parse(when);
}

function assertWholeDaysWithin(field: string, days: number, min: number, max: number): void {
  if (!Number.isInteger(days) || days < min || days > max) {
    throw new KmsError('ValidationException', `${field} must be a whole number of days from ${min} to ${max}: ${days}`);
  }
}

export function assertRotationPeriod(days: number): void {
  assertWholeDaysWithin('RotationPeriodInDays', days, MIN_ROTATION_PERIOD_IN_DAYS, MAX_ROTATION_PERIOD_IN_DAYS);
}

export function assertPendingWindow(days: number): void {
  assertWholeDaysWithin('PendingWindowInDays', days, MIN_PENDING_WINDOW_IN_DAYS, MAX_PENDING_WINDOW_IN_DAYS);
}

import { isKmsError } from '../../../domain/errors.js';
import type { ScheduledAction } from './key-schedule.js';

/** One key whose due action failed for a reason other than no longer being due. */
export interface MaintenanceFailure {
  readonly keyId: string;
  readonly action: ScheduledAction;
  readonly error: unknown;
}

/** What a run did: the keys it rotated and the keys whose deletion it finished. */
export interface MaintenanceOutcome {
  readonly rotated: string[];
  readonly deleted: string[];
}

/** A run that did what it could and failed for some keys; they are due again at the next run. */
export class KeyMaintenanceError extends Error {
  override readonly name = 'KeyMaintenanceError';
  constructor(
    readonly failures: readonly MaintenanceFailure[],
    readonly outcome: MaintenanceOutcome,
  ) {
    super(`Key maintenance failed for ${failures.length} key(s): ${failures.map((f) => `${f.action} of ${f.keyId}`).join(', ')}`);
  }
}

/** A failed run as the timer reports it: the key and action when known, and the error. */
export interface MaintenanceFailureReport {
  readonly keyId: string | null;
  readonly action: ScheduledAction | null;
  readonly error: unknown;
}

/**
 * One line per failure, with the error's type and message only: no stack, no cause chain,
 * nothing an adapter may have attached (a wrapped key, a request), so no secret can leak.
 */
export function describeFailure({ keyId, action, error }: MaintenanceFailureReport): string {
  const what = keyId === null ? 'run' : `${action ?? 'action'} of key ${keyId}`;
  const kind = error instanceof Error ? (isKmsError(error) ? `${error.name} ${error.code}` : error.name) : typeof error;
  const message = error instanceof Error ? error.message : '';
  return `keytrail maintenance: ${what} failed, retried at the next run: ${kind}${message === '' ? '' : `: ${message}`}`;
}

export function reportMaintenanceFailureToStderr(report: MaintenanceFailureReport): void {
  process.stderr.write(`${describeFailure(report)}\n`);
}

import { isKmsError } from '../../../domain/errors.js';

/**
 * How the key aggregate refuses a timed action that is not (or no longer) due: the key
 * state changed (rotation disabled, deletion canceled, date moved) or the key is gone.
 * A caller's command that won the race ends the action quietly; anything else is a fault.
 */
export function isNoLongerDue(error: unknown): boolean {
  return isKmsError(error, 'KMSInvalidStateException') || isKmsError(error, 'NotFoundException');
}

import { KmsError } from '../../domain/errors.js';
import type { KmsCall } from './kms-call.js';

/** The operations that take DryRun (those whose input shape has the member). */
export const DRY_RUN_OPERATIONS: ReadonlySet<string> = new Set([
  'CreateGrant', 'Decrypt', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'ReEncrypt', 'RetireGrant', 'RevokeGrant',
]);

export const DRY_RUN_MESSAGE = 'The request would have succeeded, but the DryRun option is set.';

export function dryRunSucceeded(): KmsError {
  return new KmsError('DryRunOperationException', DRY_RUN_MESSAGE);
}

/**
 * The point past which an operation acts (makes key material, seals, appends). A dry run
 * has been authenticated, validated and authorized by then, so it stops here with the
 * answer AWS gives a dry run that would have succeeded.
 */
export function stopIfDryRun(call: KmsCall): void {
  if (call.dryRun) throw dryRunSucceeded();
}

/** DryRunModifiers IGNORE_CIPHERTEXT: a dry run of Decrypt or ReEncrypt that tests permissions without a ciphertext. */
export function ignoresCiphertext(call: KmsCall): boolean {
  const modifiers = call.input['DryRunModifiers'];
  return call.dryRun && Array.isArray(modifiers) && modifiers.includes('IGNORE_CIPHERTEXT');
}

import type { GrantOperation } from '../../domain/key/index.js';
import { ENCRYPTION_CONTEXT_OPERATIONS } from '../../domain/policy/index.js';
import { keyStateAllows, type KeyOperation } from '../../domain/key/key-state-table.js';
import type { KeyVersion } from './temporal-read-models.js';

/**
 * The operations "for every operation" means: what a principal can do with a symmetric
 * encryption key. RetireGrant is left out: it is decided by a grant, not by the key.
 */
export const KEY_OPERATIONS: readonly KeyOperation[] = [
  'Encrypt', 'Decrypt', 'ReEncryptFrom', 'ReEncryptTo', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext',
  'DescribeKey', 'CreateGrant', 'ListGrants', 'RevokeGrant', 'GetKeyPolicy', 'PutKeyPolicy', 'ListKeyPolicies',
  'EnableKey', 'DisableKey', 'ScheduleKeyDeletion', 'CancelKeyDeletion', 'EnableKeyRotation', 'DisableKeyRotation',
  'GetKeyRotationStatus', 'RotateKeyOnDemand', 'ListKeyRotations', 'ListResourceTags', 'TagResource', 'UntagResource',
  'UpdateKeyDescription', 'CreateAlias', 'DeleteAlias', 'UpdateAlias',
];

/** "Decrypt", "kms:Decrypt" or "kms:decrypt" -> "Decrypt"; RangeError for anything else. */
export function keyOperation(name: string): KeyOperation {
  const bare = name.replace(/^kms:/i, '').toLowerCase();
  const found = KEY_OPERATIONS.find((op) => op.toLowerCase() === bare);
  if (found === undefined) throw new RangeError(`Not a KMS key operation: '${name}' (one of ${KEY_OPERATIONS.join(', ')})`);
  return found;
}

/** Whether the key's state at that instant lets the operation run at all (a deleted key runs nothing). */
export function stateAllows(key: KeyVersion, operation: KeyOperation): boolean {
  if (key.keyState === 'Deleted') return false;
  return keyStateAllows(key.keyState, operation);
}

/** Operations that take an encryption context, and so the request facts the live call adds for them. */
export function takesEncryptionContext(operation: KeyOperation): boolean {
  return ENCRYPTION_CONTEXT_OPERATIONS.has(operation as GrantOperation);
}

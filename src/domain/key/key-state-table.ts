import { KmsError, type KmsErrorCode } from '../errors.js';
import type { KeyAggregateState, KeyState, KmsKey } from './key-state.js';

/**
 * How the key state affects each operation on an existing key, after AWS's "key states"
 * table for customer managed keys with AWS_KMS origin. A cryptographic operation on a key
 * pending deletion is listed there as DisabledException or KMSInvalidStateException; we
 * answer KMSInvalidStateException, what KMS itself answers today.
 */
export type CryptographicOperation =
  | 'Encrypt'
  | 'Decrypt'
  | 'ReEncryptFrom'
  | 'ReEncryptTo'
  | 'GenerateDataKey'
  | 'GenerateDataKeyWithoutPlaintext'
  | 'GenerateDataKeyPair'
  | 'GenerateDataKeyPairWithoutPlaintext';

export type KeyOperation =
  | CryptographicOperation
  | 'CancelKeyDeletion'
  | 'CreateAlias'
  | 'CreateGrant'
  | 'DeleteAlias'
  | 'DescribeKey'
  | 'DisableKey'
  | 'DisableKeyRotation'
  | 'EnableKey'
  | 'EnableKeyRotation'
  | 'GetKeyPolicy'
  | 'GetKeyRotationStatus'
  | 'ListGrants'
  | 'ListKeyPolicies'
  | 'ListKeyRotations'
  | 'ListResourceTags'
  | 'PutKeyPolicy'
  | 'RetireGrant'
  | 'RevokeGrant'
  | 'RotateKeyOnDemand'
  | 'ScheduleKeyDeletion'
  | 'TagResource'
  | 'UntagResource'
  /** For the alias's new target; the key it leaves may be in any state. */
  | 'UpdateAlias'
  | 'UpdateKeyDescription';

type Refusal = 'isDisabled' | 'isPendingDeletion' | 'isNotPendingDeletion';
type Row = { readonly [S in KeyState]: Refusal | null };

const ANY_STATE: Row = { Enabled: null, Disabled: null, PendingDeletion: null };
const NOT_PENDING_DELETION: Row = { Enabled: null, Disabled: null, PendingDeletion: 'isPendingDeletion' };
const ENABLED_ONLY: Row = { Enabled: null, Disabled: 'isDisabled', PendingDeletion: 'isPendingDeletion' };

const TABLE: { readonly [O in KeyOperation]: Row } = {
  Encrypt: ENABLED_ONLY,
  Decrypt: ENABLED_ONLY,
  ReEncryptFrom: ENABLED_ONLY,
  ReEncryptTo: ENABLED_ONLY,
  GenerateDataKey: ENABLED_ONLY,
  GenerateDataKeyWithoutPlaintext: ENABLED_ONLY,
  GenerateDataKeyPair: ENABLED_ONLY,
  GenerateDataKeyPairWithoutPlaintext: ENABLED_ONLY,
  CancelKeyDeletion: { Enabled: 'isNotPendingDeletion', Disabled: 'isNotPendingDeletion', PendingDeletion: null },
  CreateAlias: NOT_PENDING_DELETION,
  CreateGrant: ENABLED_ONLY,
  DeleteAlias: ANY_STATE,
  DescribeKey: ANY_STATE,
  DisableKey: NOT_PENDING_DELETION,
  DisableKeyRotation: ENABLED_ONLY,
  EnableKey: NOT_PENDING_DELETION,
  EnableKeyRotation: ENABLED_ONLY,
  GetKeyPolicy: ANY_STATE,
  GetKeyRotationStatus: ANY_STATE,
  ListGrants: ANY_STATE,
  ListKeyPolicies: ANY_STATE,
  ListKeyRotations: ANY_STATE,
  ListResourceTags: ANY_STATE,
  PutKeyPolicy: ANY_STATE,
  RetireGrant: ANY_STATE,
  RevokeGrant: ANY_STATE,
  RotateKeyOnDemand: ENABLED_ONLY,
  ScheduleKeyDeletion: NOT_PENDING_DELETION,
  TagResource: NOT_PENDING_DELETION,
  UntagResource: NOT_PENDING_DELETION,
  UpdateAlias: NOT_PENDING_DELETION,
  UpdateKeyDescription: NOT_PENDING_DELETION,
};

const REFUSALS: { readonly [R in Refusal]: { readonly code: KmsErrorCode; readonly text: string } } = {
  isDisabled: { code: 'DisabledException', text: 'is disabled.' },
  isPendingDeletion: { code: 'KMSInvalidStateException', text: 'is pending deletion.' },
  isNotPendingDeletion: { code: 'KMSInvalidStateException', text: 'is not pending deletion.' },
};

/** Whether the key state lets the operation run (for read models asking "could X, as of T"). */
export function keyStateAllows(keyState: KeyState, operation: KeyOperation): boolean {
  return TABLE[operation][keyState] === null;
}

/** The error AWS answers for the operation in this state, or null when it may run. */
export function keyStateRefusal(key: Pick<KmsKey, 'arn' | 'keyState'>, operation: KeyOperation): KmsError | null {
  const refusal = TABLE[operation][key.keyState];
  if (refusal === null) return null;
  const { code, text } = REFUSALS[refusal];
  return new KmsError(code, `${key.arn} ${text}`);
}

export function assertKeyStateAllows(key: Pick<KmsKey, 'arn' | 'keyState'>, operation: KeyOperation): void {
  const refusal = keyStateRefusal(key, operation);
  if (refusal !== null) throw refusal;
}

/** NotFoundException unless the stream holds a live key with this id. */
export function requireLiveKey(state: KeyAggregateState, keyId: string): KmsKey {
  if (state.status === 'Live' && state.key.keyId === keyId) return state.key;
  const name = state.status === 'Deleted' && state.keyId === keyId ? state.arn : keyId;
  throw new KmsError('NotFoundException', `Key '${name}' does not exist`);
}

/**
 * The guard every cryptographic operation runs before touching key material:
 * NotFoundException for a key that does not (or no longer) exist, DisabledException for
 * a disabled key, KMSInvalidStateException for a key pending deletion.
 */
export function assertUsableForCryptography(
  state: KeyAggregateState,
  operation: CryptographicOperation,
  keyId?: string,
): KmsKey {
  const key = requireLiveKey(state, keyId ?? keyIdOf(state));
  assertKeyStateAllows(key, operation);
  return key;
}

function keyIdOf(state: KeyAggregateState): string {
  if (state.status === 'Live') return state.key.keyId;
  return state.status === 'Deleted' ? state.keyId : '';
}

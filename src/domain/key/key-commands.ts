import type { GrantConstraints, GrantOperation } from './grant.js';

/**
 * What may be asked of a key. Deciders are pure, so everything that would need a clock,
 * a random source or another aggregate arrives here: ids, `now`, the backing key id the
 * material stream will hold, the lockout check the application ran with the evaluator.
 * Every command names its key, so a refusal can say which one.
 */

export interface TagInput {
  readonly tagKey: string;
  readonly tagValue: string;
}

/** Grant quotas for one key; a command may carry its own to override the decider's. */
export interface GrantLimits {
  readonly grantsPerKey: number;
  readonly grantsPerGranteePerKey: number;
}

export interface CreateKey {
  readonly type: 'CreateKey';
  readonly keyId: string;
  readonly accountId: string;
  readonly region: string;
  readonly now: string;
  /** The id of backing key version 1, made by the material side. */
  readonly backingKeyId: string;
  readonly description?: string;
  /** Raw request values: anything other than the supported one is refused as AWS does. */
  readonly keyUsage?: string;
  readonly keySpec?: string;
  readonly origin?: string;
  readonly multiRegion?: boolean;
  /** Absent: KMS attaches the default key policy for the account. */
  readonly policy?: string;
  readonly bypassPolicyLockoutSafetyCheck?: boolean;
  /** Whether the given policy lets the caller call PutKeyPolicy later; ignored without a policy. */
  readonly lockoutCheckPassed?: boolean;
  readonly tags?: readonly TagInput[];
}

export interface EnableKey {
  readonly type: 'EnableKey';
  readonly keyId: string;
}

export interface DisableKey {
  readonly type: 'DisableKey';
  readonly keyId: string;
}

export interface UpdateKeyDescription {
  readonly type: 'UpdateKeyDescription';
  readonly keyId: string;
  readonly description: string;
}

export interface EnableKeyRotation {
  readonly type: 'EnableKeyRotation';
  readonly keyId: string;
  readonly now: string;
  /** 90-2560; 365 when absent. */
  readonly rotationPeriodInDays?: number;
}

export interface DisableKeyRotation {
  readonly type: 'DisableKeyRotation';
  readonly keyId: string;
}

export interface RotateKeyOnDemand {
  readonly type: 'RotateKeyOnDemand';
  readonly keyId: string;
  readonly now: string;
  readonly backingKeyId: string;
}

/** The service's own timed action (CloudTrail `RotateKey` service event), not a caller's. */
export interface RotateKeyAutomatically {
  readonly type: 'RotateKeyAutomatically';
  readonly keyId: string;
  readonly now: string;
  readonly backingKeyId: string;
}

export interface ScheduleKeyDeletion {
  readonly type: 'ScheduleKeyDeletion';
  readonly keyId: string;
  readonly now: string;
  /** 7-30; 30 when absent. */
  readonly pendingWindowInDays?: number;
}

export interface CancelKeyDeletion {
  readonly type: 'CancelKeyDeletion';
  readonly keyId: string;
}

/** The service's own timed action when the waiting period has ended, not a caller's. */
export interface DeleteKey {
  readonly type: 'DeleteKey';
  readonly keyId: string;
  readonly now: string;
}

export interface TagResource {
  readonly type: 'TagResource';
  readonly keyId: string;
  readonly tags: readonly TagInput[];
}

export interface UntagResource {
  readonly type: 'UntagResource';
  readonly keyId: string;
  readonly tagKeys: readonly string[];
}

export interface PutKeyPolicy {
  readonly type: 'PutKeyPolicy';
  readonly keyId: string;
  /** Only "default" exists; absent means "default", as in today's API. */
  readonly policyName?: string;
  readonly policy: string;
  readonly bypassPolicyLockoutSafetyCheck?: boolean;
  readonly lockoutCheckPassed: boolean;
}

export interface CreateGrant {
  readonly type: 'CreateGrant';
  readonly keyId: string;
  readonly now: string;
  /** A fresh 64-hex id; used only when a new grant is made. */
  readonly grantId: string;
  readonly granteePrincipal: string;
  readonly retiringPrincipal?: string;
  /** Raw request values, checked against the grant operations a symmetric key supports. */
  readonly operations: readonly string[];
  readonly constraints?: GrantConstraints;
  readonly name?: string;
  /** The caller: its ARN and account become the grant's issuing principal and account. */
  readonly issuingPrincipal: string;
  readonly issuingAccount: string;
  readonly limits?: GrantLimits;
}

/** By key id + grant id; the application resolves a grant token to its grant id first. */
export interface RetireGrant {
  readonly type: 'RetireGrant';
  readonly keyId: string;
  readonly grantId: string;
}

export interface RevokeGrant {
  readonly type: 'RevokeGrant';
  readonly keyId: string;
  readonly grantId: string;
}

export type KeyCommand =
  | CreateKey
  | EnableKey
  | DisableKey
  | UpdateKeyDescription
  | EnableKeyRotation
  | DisableKeyRotation
  | RotateKeyOnDemand
  | RotateKeyAutomatically
  | ScheduleKeyDeletion
  | CancelKeyDeletion
  | DeleteKey
  | TagResource
  | UntagResource
  | PutKeyPolicy
  | CreateGrant
  | RetireGrant
  | RevokeGrant;

export type KeyCommandType = KeyCommand['type'];

/** Re-exported so callers building a CreateGrant need one import. */
export type { GrantConstraints, GrantOperation };

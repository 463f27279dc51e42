import type { DomainEvent } from '../decider.js';
import type { GrantOperation } from './grant.js';

/**
 * The key aggregate's events. Data is plain JSON: ISO-8601 strings for times, null for
 * an absent value (never undefined), no bigint. Key material and grant tokens never
 * appear here: a backing key is named by its id only, a grant by its grant id.
 */

export type KeyUsage = 'ENCRYPT_DECRYPT';
export type KeySpec = 'SYMMETRIC_DEFAULT';
export type KeyOrigin = 'AWS_KMS';
export type RotationType = 'AUTOMATIC' | 'ON_DEMAND';

export type TagEntry = { tagKey: string; tagValue: string };

export type EncryptionContextMap = { [key: string]: string };

export type GrantConstraintsData = {
  encryptionContextEquals: EncryptionContextMap | null;
  encryptionContextSubset: EncryptionContextMap | null;
};

export type KeyCreatedData = {
  keyId: string;
  arn: string;
  accountId: string;
  region: string;
  description: string;
  keyUsage: KeyUsage;
  keySpec: KeySpec;
  origin: KeyOrigin;
  keyManager: 'CUSTOMER';
  multiRegion: false;
  creationDate: string;
  /** Version 1 of the backing key; its material lives in the key's material stream. */
  backingKeyId: string;
};

export type KeyRef = { keyId: string };

export type KeyDescriptionUpdatedData = { keyId: string; description: string };

export type KeyRotationEnabledData = { keyId: string; rotationPeriodInDays: number; nextRotationDate: string };

export type KeyRotatedData = {
  keyId: string;
  rotationType: RotationType;
  /** The new backing key version's id; older versions stay usable for decryption. */
  backingKeyId: string;
  /** 1 for the material made at CreateKey, then one more per rotation. */
  backingKeyVersion: number;
  rotationDate: string;
  /** The next automatic rotation, or null when automatic rotation is off. */
  nextRotationDate: string | null;
};

export type KeyDeletionScheduledData = {
  keyId: string;
  deletionDate: string;
  pendingWindowInDays: number;
  /** The state the key had before; CancelKeyDeletion does not restore it (the key comes back Disabled). */
  keyStateBefore: 'Enabled' | 'Disabled';
};

/** `deletionDate` is when the key was deleted: on or after the date KeyDeletionScheduled set. */
export type KeyDeletedData = { keyId: string; deletionDate: string };

export type KeyTaggedData = { keyId: string; tags: TagEntry[] };

export type KeyUntaggedData = { keyId: string; tagKeys: string[] };

export type PolicyPutData = {
  keyId: string;
  policyName: 'default';
  /** Policies are not secrets: the text is kept so "who could, as of T" can be answered. */
  policy: string;
  bypassPolicyLockoutSafetyCheck: boolean;
  /** True when KMS attached its default key policy because CreateKey gave none. */
  defaultPolicy: boolean;
};

export type GrantCreatedData = {
  keyId: string;
  grantId: string;
  name: string | null;
  granteePrincipal: string;
  retiringPrincipal: string | null;
  issuingPrincipal: string;
  issuingAccount: string;
  operations: GrantOperation[];
  constraints: GrantConstraintsData | null;
  creationDate: string;
};

export type GrantRef = { keyId: string; grantId: string };

export type KeyCreated = DomainEvent<'KeyCreated', KeyCreatedData>;
export type KeyEnabled = DomainEvent<'KeyEnabled', KeyRef>;
export type KeyDisabled = DomainEvent<'KeyDisabled', KeyRef>;
export type KeyDescriptionUpdated = DomainEvent<'KeyDescriptionUpdated', KeyDescriptionUpdatedData>;
export type KeyRotationEnabled = DomainEvent<'KeyRotationEnabled', KeyRotationEnabledData>;
export type KeyRotationDisabled = DomainEvent<'KeyRotationDisabled', KeyRef>;
export type KeyRotated = DomainEvent<'KeyRotated', KeyRotatedData>;
export type KeyDeletionScheduled = DomainEvent<'KeyDeletionScheduled', KeyDeletionScheduledData>;
export type KeyDeletionCanceled = DomainEvent<'KeyDeletionCanceled', KeyRef>;
export type KeyDeleted = DomainEvent<'KeyDeleted', KeyDeletedData>;
export type KeyTagged = DomainEvent<'KeyTagged', KeyTaggedData>;
export type KeyUntagged = DomainEvent<'KeyUntagged', KeyUntaggedData>;
export type PolicyPut = DomainEvent<'PolicyPut', PolicyPutData>;
export type GrantCreated = DomainEvent<'GrantCreated', GrantCreatedData>;
export type GrantRetired = DomainEvent<'GrantRetired', GrantRef>;
export type GrantRevoked = DomainEvent<'GrantRevoked', GrantRef>;

export type KeyEvent =
  | KeyCreated
  | KeyEnabled
  | KeyDisabled
  | KeyDescriptionUpdated
  | KeyRotationEnabled
  | KeyRotationDisabled
  | KeyRotated
  | KeyDeletionScheduled
  | KeyDeletionCanceled
  | KeyDeleted
  | KeyTagged
  | KeyUntagged
  | PolicyPut
  | GrantCreated
  | GrantRetired
  | GrantRevoked;

export type KeyEventType = KeyEvent['type'];

/** Bump a type's version when its data changes shape; evolve must keep reading older versions. */
export const KEY_EVENT_SCHEMA_VERSIONS: { readonly [K in KeyEventType]: number } = {
  KeyCreated: 1,
  KeyEnabled: 1,
  KeyDisabled: 1,
  KeyDescriptionUpdated: 1,
  KeyRotationEnabled: 1,
  KeyRotationDisabled: 1,
  KeyRotated: 1,
  KeyDeletionScheduled: 1,
  KeyDeletionCanceled: 1,
  KeyDeleted: 1,
  KeyTagged: 1,
  KeyUntagged: 1,
  PolicyPut: 1,
  GrantCreated: 1,
  GrantRetired: 1,
  GrantRevoked: 1,
};

export const KEY_EVENT_TYPES: readonly KeyEventType[] = Object.keys(KEY_EVENT_SCHEMA_VERSIONS) as KeyEventType[];

export function isKeyEvent(event: { type: string }): event is KeyEvent {
  return Object.prototype.hasOwnProperty.call(KEY_EVENT_SCHEMA_VERSIONS, event.type);
}

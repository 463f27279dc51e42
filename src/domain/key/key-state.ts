import type { Grant } from './grant.js';
import type { GrantTable } from './grant-table.js';
import type { KeyOrigin, KeySpec, KeyUsage, RotationType } from './key-events.js';

/** The key states a customer managed, AWS_KMS-origin key can be in. */
export type KeyState = 'Enabled' | 'Disabled' | 'PendingDeletion';

export interface BackingKeyVersion {
  readonly backingKeyId: string;
  /** 1-based, in the order the versions were made. */
  readonly version: number;
  readonly createdAt: string;
  /** null for the version made with the key. */
  readonly rotationType: RotationType | null;
}

export interface KeyRotationSettings {
  readonly enabled: boolean;
  /** Kept while rotation is off, so re-enabling without a period reports the last one; null before first use. */
  readonly rotationPeriodInDays: number | null;
  readonly nextRotationDate: string | null;
}

export interface KmsKey {
  readonly keyId: string;
  readonly arn: string;
  readonly accountId: string;
  readonly region: string;
  readonly description: string;
  readonly keyUsage: KeyUsage;
  readonly keySpec: KeySpec;
  readonly origin: KeyOrigin;
  readonly creationDate: string;
  readonly keyState: KeyState;
  readonly deletionDate: string | null;
  readonly pendingWindowInDays: number | null;
  /** The "default" key policy's text; KeyCreated is always appended with its PolicyPut. */
  readonly policy: string;
  readonly rotation: KeyRotationSettings;
  readonly onDemandRotations: number;
  /** Every backing key version ever made, oldest first; the last one encrypts, all decrypt. */
  readonly backingKeys: readonly BackingKeyVersion[];
  /** Insertion-ordered, as ListResourceTags shows them. */
  readonly tags: ReadonlyMap<string, string>;
  readonly grants: GrantTable;
}

export interface KeyNotCreated {
  readonly status: 'NotCreated';
}

export interface LiveKey {
  readonly status: 'Live';
  readonly key: KmsKey;
}

/** After the waiting period: only what is needed to say so; grants and tags are gone. */
export interface DeletedKey {
  readonly status: 'Deleted';
  readonly keyId: string;
  readonly arn: string;
  readonly deletionDate: string;
}

export type KeyAggregateState = KeyNotCreated | LiveKey | DeletedKey;

export function initialKeyState(): KeyAggregateState {
  return { status: 'NotCreated' };
}

/** The backing key version new ciphertexts are made with. */
export function currentBackingKey(key: KmsKey): BackingKeyVersion {
  const last = key.backingKeys[key.backingKeys.length - 1];
  // KeyCreated always records version 1, so a live key has at least one version.
  if (last === undefined) throw new Error(`Key ${key.keyId} has no backing key version`);
  return last;
}

/**
 * What GetKeyRotationStatus reports: AWS shows rotation as off while a key is pending
 * deletion and restores the setting when deletion is canceled.
 */
export function effectiveRotationEnabled(key: { readonly rotation: { readonly enabled: boolean }; readonly keyState: string }): boolean {
  return key.rotation.enabled && key.keyState !== 'PendingDeletion';
}

/** The key's grants, oldest first (grant id breaks ties): what the key's own state holds (ListGrants reads the grant read model). */
export function grantsOf(state: KeyAggregateState): readonly Grant[] {
  if (state.status !== 'Live') return [];
  return [...state.key.grants.values()].sort(
    (a, b) => a.creationDate.localeCompare(b.creationDate) || a.grantId.localeCompare(b.grantId),
  );
}

import type { GrantConstraintsData, GrantOperation, KeyOrigin, KeySpec, KeyUsage } from '../../domain/key/index.js';
import type { GlobalPosition } from '../ports/event-store.js';

/**
 * The temporal read models, as the time-travel queries read them. Every version of a thing
 * carries the event that opened it and the one that closed it; "as of" selects the version
 * valid at an instant by indexed lookup, never by replaying events.
 *
 * An instant sees every change made at or before it: a version is valid over [from, to),
 * so at the exact time (or position) of a change the new version is the one seen.
 */
export type AsOf = { readonly time: string } | { readonly position: GlobalPosition };

/** An event an answer rests on. */
export interface Citation {
  readonly stream: string;
  readonly revision: number;
  /** The time of the call that caused it (ISO-8601). */
  readonly time: string;
  readonly type: string;
  /** `<commit>/<prepare>`. */
  readonly position: string;
}

export interface Validity {
  readonly from: Citation;
  /** null while the version is still valid. */
  readonly to: Citation | null;
}

export interface KeyVersion {
  readonly keyId: string;
  readonly accountId: string;
  readonly region: string;
  readonly arn: string;
  readonly status: 'Live' | 'Deleted';
  /** Enabled, Disabled, PendingDeletion; Deleted once the key is gone. */
  readonly keyState: 'Enabled' | 'Disabled' | 'PendingDeletion' | 'Deleted';
  readonly description: string;
  readonly keyUsage: KeyUsage;
  readonly keySpec: KeySpec;
  readonly origin: KeyOrigin;
  readonly creationDate: string;
  readonly deletionDate: string | null;
  readonly pendingWindowInDays: number | null;
  readonly rotation: { readonly enabled: boolean; readonly periodInDays: number | null; readonly nextRotationDate: string | null };
  readonly onDemandRotations: number;
  /** Insertion order, as ListResourceTags shows them. */
  readonly tags: readonly (readonly [string, string])[];
  readonly validity: Validity;
}

export interface KeyPolicyVersion {
  readonly keyId: string;
  readonly policy: string;
  readonly defaultPolicy: boolean;
  readonly validity: Validity;
}

export interface GrantVersion {
  readonly grantId: string;
  readonly keyId: string;
  readonly keyArn: string;
  readonly name: string | null;
  readonly granteePrincipal: string;
  readonly retiringPrincipal: string | null;
  readonly issuingPrincipal: string;
  readonly issuingAccount: string;
  readonly operations: readonly GrantOperation[];
  readonly constraints: GrantConstraintsData | null;
  readonly creationDate: string;
  readonly validity: Validity;
}

export interface BackingKeyVersionEntry {
  readonly keyId: string;
  readonly version: number;
  readonly backingKeyId: string;
  readonly rotationType: string | null;
  /** The key's creation date for version 1, the rotation date for later ones (ISO-8601). */
  readonly createdAt: string;
  readonly validity: Validity;
}

export interface AliasVersion {
  readonly accountId: string;
  readonly region: string;
  readonly aliasName: string;
  readonly aliasArn: string;
  readonly targetKeyId: string;
  /** When the alias was created (the AliasCreated it lives since; re-pointing keeps it). */
  readonly creationDate: string;
  readonly validity: Validity;
}

export interface PrincipalVersion {
  readonly accountId: string;
  readonly arn: string;
  readonly principalType: 'Root' | 'User' | 'Role';
  readonly name: string;
  readonly path: string;
  readonly principalId: string;
  readonly validity: Validity;
}

export interface IdentityPolicyVersion {
  readonly accountId: string;
  readonly principalArn: string;
  readonly principalType: string;
  readonly principalName: string;
  readonly policyName: string;
  readonly document: string;
  readonly validity: Validity;
}

export interface AccessKeyVersion {
  readonly accessKeyId: string;
  readonly accountId: string;
  readonly userName: string | null;
  readonly principalArn: string;
  readonly status: 'Active' | 'Inactive';
  readonly validity: Validity;
}

/** One call that acted on a key, from the audit records and the domain events. */
export interface UsageRecord {
  readonly keyId: string;
  readonly time: string;
  readonly operation: string;
  readonly caller: {
    readonly type: string | null;
    readonly arn: string | null;
    readonly accountId: string | null;
    readonly principalId: string | null;
    readonly accessKeyId: string | null;
    readonly userName: string | null;
    readonly invokedBy: string | null;
  };
  readonly sourceIp: string | null;
  readonly userAgent: string | null;
  readonly region: string | null;
  readonly requestId: string | null;
  readonly eventId: string;
  /** As logged: { encryptionContext } or ReEncrypt's source and destination contexts. */
  readonly encryptionContext: Readonly<Record<string, Readonly<Record<string, string>>>> | null;
  /** "Success", or the error code the call failed with. */
  readonly result: string;
  readonly errorMessage: string | null;
  readonly citation: Citation;
}

/** Everything one key ever was: the versions "when could" walks through. */
export interface KeyHistory {
  readonly keys: readonly KeyVersion[];
  readonly policies: readonly KeyPolicyVersion[];
  readonly grants: readonly GrantVersion[];
  readonly aliases: readonly AliasVersion[];
}

export interface PrincipalHistory {
  readonly principals: readonly PrincipalVersion[];
  readonly policies: readonly IdentityPolicyVersion[];
}

/** A range (after, until]: what happened after one instant, up to and including the other. */
export interface Range {
  readonly after: AsOf;
  readonly until: AsOf;
}

export interface TemporalReadModels {
  /** Read-your-writes: resolves once every temporal read model has passed the log's head as it was when asked. */
  catchUp(): Promise<void>;
  key(keyId: string, asOf?: AsOf): KeyVersion | null;
  keysOfAccount(accountId: string, asOf?: AsOf): KeyVersion[];
  keyPolicy(keyId: string, asOf?: AsOf): KeyPolicyVersion | null;
  /** Keys whose key policy names one of these principal values (ARNs, account ids or roots, "*"). */
  keysNaming(principals: readonly string[], asOf?: AsOf): string[];
  grantsOfKey(keyId: string, asOf?: AsOf): GrantVersion[];
  grantsForGrantees(grantees: readonly string[], asOf?: AsOf): GrantVersion[];
  backingKeys(keyId: string, asOf?: AsOf): BackingKeyVersionEntry[];
  aliasesOfKey(keyId: string, asOf?: AsOf): AliasVersion[];

  principal(arn: string, asOf?: AsOf): PrincipalVersion | null;
  principalById(principalId: string, asOf?: AsOf): PrincipalVersion | null;
  principalsOfAccount(accountId: string, asOf?: AsOf): PrincipalVersion[];
  identityPolicies(principalArn: string, asOf?: AsOf): IdentityPolicyVersion[];
  accessKeysOf(principalArn: string, asOf?: AsOf): AccessKeyVersion[];

  keyHistory(keyId: string): KeyHistory;
  principalHistory(principalArn: string): PrincipalHistory;
  /** Keys with a version that began or ended in the range (state, policy, grants, aliases). */
  keysChangedIn(range: Range): string[];
  /** Accounts whose principals or identity policies changed in the range. */
  accountsChangedIn(range: Range): string[];
  /** The principal and identity-policy versions of an account that began or ended in the range. */
  identityChangesIn(accountId: string, range: Range): PrincipalHistory;
  usage(keyId: string, range: Partial<Range>, limit: number): UsageRecord[];

  /** Every key (of every account) as of the instant, deleted ones included. */
  keys(asOf?: AsOf): KeyVersion[];
  /** The accounts the identity directory had at the instant. */
  accountIds(asOf?: AsOf): string[];
  /** The newest successful call of one of these operations on the key, at or before the instant. */
  lastSuccessfulUse(keyId: string, operations: readonly string[], asOf?: AsOf): UsageRecord | null;
  /**
   * The newest successful call of one of these operations, at or before the instant, that
   * came at least `minimumGapMs` after the previous one, or that was the first: the use
   * that last ended a spell of idleness.
   */
  lastUseAfterIdleness(keyId: string, operations: readonly string[], minimumGapMs: number, asOf?: AsOf): UsageRecord | null;
}
export const TemporalReadModels = Symbol.for('keytrail.TemporalReadModels');

import type { AsOf, BackingKeyVersionEntry, KeyPolicyVersion, KeyVersion } from '../audit/temporal-read-models.js';
import type { KmsCall } from './kms-call.js';

/**
 * What the KMS operations ask of the read side: the List*, Describe* and Get* operations
 * and alias look-ups are answered from the temporal read models, not by replaying streams.
 * Every query reads things as they are now, or as they were at `asOf`. The read models are
 * eventually consistent, so every query is preceded by `catchUp()`, which waits until they
 * include every event that was in the store when the call began, of the streams the
 * question is about (read-your-writes across calls, and across nodes sharing one store).
 */

/** One page of a list. `after` is the cursor of the last item seen, from a previous page. */
export interface PageRequest {
  readonly limit: number;
  readonly after: string | null;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** The cursor to continue after the last item; null when nothing follows. */
  readonly nextAfter: string | null;
}

export interface KeyListEntry {
  readonly keyId: string;
  readonly keyArn: string;
}

export interface AliasListEntry {
  readonly aliasName: string;
  readonly aliasArn: string;
  readonly targetKeyId: string;
  /** ISO-8601. */
  readonly creationDate: string;
  readonly lastUpdatedDate: string;
}

export interface GrantListEntry {
  readonly keyId: string;
  readonly keyArn: string;
  readonly grantId: string;
  readonly name: string | null;
  readonly granteePrincipal: string;
  readonly retiringPrincipal: string | null;
  readonly issuingAccount: string;
  readonly operations: readonly string[];
  readonly constraints: {
    readonly encryptionContextEquals: Readonly<Record<string, string>> | null;
    readonly encryptionContextSubset: Readonly<Record<string, string>> | null;
  } | null;
  /** ISO-8601. */
  readonly creationDate: string;
}

export interface GrantFilter {
  readonly grantId?: string;
  readonly granteePrincipal?: string;
}

export interface KmsReadSide {
  /**
   * Resolves once the read models the KMS operations read include all events appended
   * before this call; with `streams`, all events of those streams (for a question about
   * one key or one alias registry, which then need not wait for the rest of the log).
   */
  catchUp(streams?: readonly string[]): Promise<void>;
  /** Keys that exist (not yet deleted) in one account and Region, in creation order. */
  listKeys(accountId: string, region: string, page: PageRequest, asOf?: AsOf): Page<KeyListEntry>;
  /** A key's metadata; a deleted key's last version says it is deleted; null for a key never created. */
  key(keyId: string, asOf?: AsOf): KeyVersion | null;
  /** The key policy; null for a key never created or already deleted. */
  keyPolicy(keyId: string, asOf?: AsOf): KeyPolicyVersion | null;
  /** The key's backing-key versions, the first (made with the key) first. */
  backingKeys(keyId: string, asOf?: AsOf): readonly BackingKeyVersionEntry[];
  findAlias(accountId: string, region: string, aliasName: string, asOf?: AsOf): AliasListEntry | null;
  /** By alias name; only the aliases of `targetKeyId` when it is given. */
  listAliases(accountId: string, region: string, targetKeyId: string | null, page: PageRequest, asOf?: AsOf): Page<AliasListEntry>;
  /** The aliases that point at one key: kms:ResourceAliases. */
  aliasesOfKey(keyId: string, asOf?: AsOf): readonly string[];
  /** A key's grants in creation order. */
  listGrants(keyId: string, filter: GrantFilter, page: PageRequest, asOf?: AsOf): Page<GrantListEntry>;
  /** Grants on keys of one Region, of any account, whose retiring principal is exactly `retiringPrincipal`. */
  listRetirableGrants(region: string, retiringPrincipal: string, page: PageRequest, asOf?: AsOf): Page<GrantListEntry>;
  /** A grant by id that is in force, for RetireGrant with a grant token (which names only the grant). */
  findGrant(grantId: string, asOf?: AsOf): GrantListEntry | null;
}
export const KmsReadSide = Symbol.for('keytrail.KmsReadSide');

/** The read-your-writes barrier of one call, once per set of streams (all of the log without them). */
export function catchUpOnce(call: KmsCall, readSide: KmsReadSide, streams?: readonly string[]): Promise<void> {
  return call.once(streams === undefined ? 'readSide.catchUp' : `readSide.catchUp:${streams.join(',')}`, () => readSide.catchUp(streams));
}

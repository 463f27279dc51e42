import type { AliasVersion, BackingKeyVersionEntry, Citation, GrantVersion, KeyPolicyVersion, KeyVersion, TemporalReadModels, AsOf } from './temporal-read-models.js';

export interface KeyAsOfAnswer {
  readonly keyId: string;
  /** null when the key did not exist yet. */
  readonly key: KeyVersion | null;
  readonly policy: KeyPolicyVersion | null;
  readonly grants: readonly GrantVersion[];
  readonly aliases: readonly AliasVersion[];
  readonly backingKeys: readonly BackingKeyVersionEntry[];
  /** Every event the answer rests on, oldest first. */
  readonly citations: readonly Citation[];
}

/** A key as it was: state, description, rotation, policy, grants, aliases and backing-key versions. */
export function keyAsOf(models: TemporalReadModels, keyId: string, asOf: AsOf | undefined): KeyAsOfAnswer {
  const key = models.key(keyId, asOf);
  const policy = models.keyPolicy(keyId, asOf);
  const grants = models.grantsOfKey(keyId, asOf);
  const aliases = models.aliasesOfKey(keyId, asOf);
  const backingKeys = models.backingKeys(keyId, asOf);
  const versions: { validity: { from: Citation } }[] = [...(key ? [key] : []), ...(policy ? [policy] : []), ...grants, ...aliases, ...backingKeys];
  return { keyId, key, policy, grants, aliases, backingKeys, citations: sortedCitations(versions.map((v) => v.validity.from)) };
}

/** Distinct citations in log order. */
export function sortedCitations(citations: readonly Citation[]): Citation[] {
  const byPosition = new Map(citations.map((c) => [`${c.position}`, c]));
  return [...byPosition.values()].sort((a, b) => comparePositionText(a.position, b.position));
}

export function comparePositionText(a: string, b: string): number {
  const [ac = 0n, ap = 0n] = a.split('/').map(BigInt);
  const [bc = 0n, bp = 0n] = b.split('/').map(BigInt);
  return ac !== bc ? (ac < bc ? -1 : 1) : ap !== bp ? (ap < bp ? -1 : 1) : 0;
}

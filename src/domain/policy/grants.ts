import { GRANT_OPERATIONS, type Grant, type GrantConstraints, type GrantOperation } from '../key/grant.js';
import { accountOf } from './arn.js';
import { roleArnOf, servicePrincipalOf, type Principal } from './principal.js';

/** kms:Decrypt -> Decrypt; undefined for actions no grant can allow (e.g. kms:PutKeyPolicy). */
export function grantOperationOf(action: string): GrantOperation | undefined {
  const m = /^kms:(.+)$/i.exec(action);
  if (m === null) return undefined;
  const name = (m[1] ?? '').toLowerCase();
  return GRANT_OPERATIONS.find((op) => op.toLowerCase() === name);
}

/** Operations that take an encryption context; grant constraints apply only to these. */
export const ENCRYPTION_CONTEXT_OPERATIONS: ReadonlySet<GrantOperation> = new Set<GrantOperation>([
  'Encrypt',
  'Decrypt',
  'ReEncryptFrom',
  'ReEncryptTo',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
]);

/** How a principal field of a grant (grantee or retiring principal) names the caller. */
export type GrantPrincipalMatch = 'direct' | 'account' | 'none';

export function grantPrincipalMatch(named: string | undefined, caller: Principal): GrantPrincipalMatch {
  if (named === undefined) return 'none';
  const service = servicePrincipalOf(caller);
  if (service !== undefined) return named === service ? 'direct' : 'none';
  const account = accountOf(named);
  if (account !== undefined) {
    if (account !== caller.accountId) return 'none';
    return caller.type === 'Root' ? 'direct' : 'account';
  }
  if (named === caller.arn) return 'direct';
  const role = roleArnOf(caller);
  return role !== undefined && named === role ? 'direct' : 'none';
}

/** In grant constraints the keys are case-insensitive and the values case-sensitive. */
function normalise(context: Readonly<Record<string, string>>): Map<string, string> {
  return new Map(Object.entries(context).map(([k, v]) => [k.toLowerCase(), v]));
}

function containsPairs(whole: Readonly<Record<string, string>>, part: Readonly<Record<string, string>>): boolean {
  const w = normalise(whole);
  return [...normalise(part)].every(([k, v]) => w.get(k) === v);
}

function sameContext(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  return normalise(a).size === normalise(b).size && containsPairs(a, b);
}

export function grantConstraintsHold(constraints: GrantConstraints | undefined, encryptionContext: Readonly<Record<string, string>> | undefined): boolean {
  if (constraints === undefined) return true;
  const ec = encryptionContext ?? {};
  if (constraints.encryptionContextEquals !== undefined && !sameContext(ec, constraints.encryptionContextEquals)) return false;
  if (constraints.encryptionContextSubset !== undefined && !containsPairs(ec, constraints.encryptionContextSubset)) return false;
  return true;
}

/** Does `child` admit only encryption contexts that `parent` admits? */
function constraintsNarrowerOrEqual(parent: GrantConstraints | undefined, child: GrantConstraints | undefined): boolean {
  if (parent === undefined) return true;
  if (parent.encryptionContextEquals !== undefined) {
    const childEquals = child?.encryptionContextEquals;
    if (childEquals === undefined || !sameContext(childEquals, parent.encryptionContextEquals)) return false;
  }
  if (parent.encryptionContextSubset !== undefined) {
    const required = parent.encryptionContextSubset;
    const viaSubset = child?.encryptionContextSubset !== undefined && containsPairs(child.encryptionContextSubset, required);
    const viaEquals = child?.encryptionContextEquals !== undefined && containsPairs(child.encryptionContextEquals, required);
    if (!viaSubset && !viaEquals) return false;
  }
  return true;
}

export interface GrantShape {
  readonly operations: readonly GrantOperation[];
  readonly constraints?: GrantConstraints;
}

/**
 * Re-delegation: a grant that includes CreateGrant allows creating only grants with a
 * subset of its operations and the same or tighter constraints (pairs added to a Subset
 * constraint, or a Subset turned into an Equals that contains its pairs).
 */
export function isNarrowerOrEqualGrant(parent: GrantShape, child: GrantShape): boolean {
  return child.operations.every((op) => parent.operations.includes(op)) && constraintsNarrowerOrEqual(parent.constraints, child.constraints);
}

/** Key grants and grants reached through tokens, once each; a token only matters for a grant the key does not list yet. */
export function grantsInPlay(keyGrants: readonly Grant[], fromTokens: readonly Grant[]): { grant: Grant; viaGrantToken: boolean }[] {
  const seen = new Set<string>();
  const out: { grant: Grant; viaGrantToken: boolean }[] = [];
  for (const grant of keyGrants) {
    if (seen.has(grant.grantId)) continue;
    seen.add(grant.grantId);
    out.push({ grant, viaGrantToken: false });
  }
  for (const grant of fromTokens) {
    if (seen.has(grant.grantId)) continue;
    seen.add(grant.grantId);
    out.push({ grant, viaGrantToken: true });
  }
  return out;
}

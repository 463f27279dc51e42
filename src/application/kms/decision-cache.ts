import type { Grant } from '../../domain/key/grant.js';
import type { KmsKey } from '../../domain/key/index.js';
import { decidedWithoutRequestContext, type Decision, type IdentityPolicy, type PolicyDocument, type Principal } from '../../domain/policy/index.js';

/** Decisions remembered per key state and identity policy set; past this many the set starts over. */
const DECISIONS_PER_PAIR = 256;

/** What a live question adds to the key and the caller's identity policies. */
export interface DecisionQuestion {
  readonly action: string;
  readonly caller: Principal;
  readonly keyPolicy: PolicyDocument;
  readonly identityPolicies: readonly IdentityPolicy[];
  /** The key's grants and the grants the request's tokens name. */
  readonly grants: readonly Grant[];
  readonly grantsFromTokens: readonly Grant[];
  readonly encryptionContext: Readonly<Record<string, string>> | undefined;
}

const independent = new WeakMap<PolicyDocument, boolean>();

function withoutRequestContext(doc: PolicyDocument): boolean {
  let found = independent.get(doc);
  if (found === undefined) {
    found = decidedWithoutRequestContext(doc);
    independent.set(doc, found);
  }
  return found;
}

/**
 * Live authorization decisions, remembered where nothing but the key state, the caller's
 * identity policies, the action, the caller and (with grants) the encryption context can
 * change them. Entries hang off the immutable key state and identity-policy list they were
 * decided with: any event on the key (policy, grants, tags, state) folds into a new key
 * state and any identity event into a new list, so a stale decision is never found, and
 * the old entries go with the old objects.
 */
export class DecisionCache {
  private readonly byKey = new WeakMap<KmsKey, WeakMap<readonly IdentityPolicy[], Map<string, Decision>>>();

  /**
   * The entry name for a question, or undefined when the decision may read request facts
   * (a Condition or a resource variable in some policy). A grant's constraints read the
   * encryption context, so with grants in play the context is part of the name.
   */
  questionName(q: DecisionQuestion): string | undefined {
    if (!withoutRequestContext(q.keyPolicy)) return undefined;
    for (const policy of q.identityPolicies) if (!withoutRequestContext(policy.document)) return undefined;
    const c = q.caller;
    let name = `${q.action}\n${c.type}\n${c.arn}\n${c.accountId}\n${c.userName ?? '\u0000'}\n${c.principalId ?? '\u0000'}\n${c.roleArn ?? '\u0000'}\n${c.sessionName ?? '\u0000'}\n${c.servicePrincipal ?? '\u0000'}`;
    if (q.grantsFromTokens.length > 0) name += `\ntokens:${q.grantsFromTokens.map((g) => g.grantId).join(',')}`;
    if (q.grants.length > 0 || q.grantsFromTokens.length > 0) name += `\ncontext:${JSON.stringify(q.encryptionContext === undefined ? null : Object.entries(q.encryptionContext))}`;
    return name;
  }

  get(key: KmsKey, identityPolicies: readonly IdentityPolicy[], name: string): Decision | undefined {
    return this.byKey.get(key)?.get(identityPolicies)?.get(name);
  }

  put(key: KmsKey, identityPolicies: readonly IdentityPolicy[], name: string, decision: Decision): void {
    let byPolicies = this.byKey.get(key);
    if (byPolicies === undefined) {
      byPolicies = new WeakMap();
      this.byKey.set(key, byPolicies);
    }
    let decisions = byPolicies.get(identityPolicies);
    if (decisions === undefined) {
      decisions = new Map();
      byPolicies.set(identityPolicies, decisions);
    }
    if (decisions.size >= DECISIONS_PER_PAIR) decisions.clear();
    decisions.set(name, decision);
  }
}

import type { CallerIdentity } from '../../domain/call-context.js';
import type { KeyOperation } from '../../domain/key/key-state-table.js';
import { authorize, principalFromCaller, type Decision, type IdentityPolicy } from '../../domain/policy/index.js';
import type { AccessAt, ConcreteRequest } from './access-at.js';
import { stateAllows } from './key-actions.js';
import type { PolicyCache } from './policy-cache.js';
import type { Citation, TemporalReadModels } from './temporal-read-models.js';

export interface DecisionAt {
  readonly keyId: string;
  readonly operation: KeyOperation;
  /** null when the key did not exist (or no longer existed) at the instant. */
  readonly decision: Decision | null;
  readonly keyState: string | null;
  readonly keyStateAllows: boolean;
  readonly citations: readonly Citation[];
}

/**
 * The definite decision for one caller and one request at an instant, built as a live
 * call builds it (AccessControl): the caller's identity policies found by unique id, then
 * by ARN; the key's facts, grants and aliases; the request's time, source, user agent and,
 * for cryptographic operations, its encryption context and algorithm.
 */
export function decideAt(
  at: AccessAt,
  models: TemporalReadModels,
  policies: PolicyCache,
  keyId: string,
  caller: CallerIdentity,
  operation: KeyOperation,
  request: ConcreteRequest,
): DecisionAt {
  const keyAt = at.keyAt(keyId);
  if (keyAt === null) {
    const key = models.key(keyId, at.asOf);
    return { keyId, operation, decision: null, keyState: key?.keyState ?? null, keyStateAllows: false, citations: key === null ? [] : [key.validity.from] };
  }
  const principal = principalFromCaller(caller);
  const citations: Citation[] = [keyAt.key.validity.from, keyAt.policy.validity.from, ...keyAt.grants.map((g) => g.validity.from)];
  let identityPolicies: IdentityPolicy[] = [];
  if (principal.type === 'IAMUser' || principal.type === 'AssumedRole') {
    const uniqueId = caller.principalId.split(':')[0] ?? '';
    const arn = principal.type === 'IAMUser' ? principal.arn : principal.roleArn;
    const entry = models.principalById(uniqueId, at.asOf) ?? (arn === undefined ? null : models.principal(arn, at.asOf));
    if (entry !== null) {
      const versions = models.identityPolicies(entry.arn, at.asOf);
      citations.push(...versions.map((v) => v.validity.from));
      identityPolicies = versions.map((v) => ({ name: v.policyName, document: policies.identityPolicy(v.document) }));
    }
  }
  // authorize decides every condition: the request is concrete, nothing is left unknown.
  const context = at.context(operation, [], request);
  const decision = authorize({ action: `kms:${operation}`, caller: principal, key: keyAt.facts, identityPolicies, grants: keyAt.domainGrants, context });
  return { keyId, operation, decision, keyState: keyAt.key.keyState, keyStateAllows: stateAllows(keyAt.key, operation), citations };
}

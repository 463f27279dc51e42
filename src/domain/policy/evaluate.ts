import type { Grant } from '../key/grant.js';
import { buildContextKeys, type ContextKeys } from './context-keys.js';
import { evaluateConditions, FALSE, TRUE, type Tri } from './conditions.js';
import type { AccessExplanation, AccessPath, ConditionTerm, Decision, Denial, Reason } from './decision.js';
import {
  ENCRYPTION_CONTEXT_OPERATIONS,
  grantConstraintsHold,
  grantOperationOf,
  grantPrincipalMatch,
  grantsInPlay,
  isNarrowerOrEqualGrant,
  type GrantPrincipalMatch,
} from './grants.js';
import { supportsVariables, type PolicyDocument } from './policy-document.js';
import type { Principal } from './principal.js';
import type { KeyFacts, RequestContext } from './request-context.js';
import { statementCoversAction, statementCoversResource, statementNamesCaller } from './statement-match.js';

/** An identity-based policy attached to the caller (inline or managed), by name. */
export interface IdentityPolicy {
  readonly name: string;
  readonly document: PolicyDocument;
}

/**
 * Everything one authorization question needs, as plain data, so the same evaluator
 * serves live calls and "who could do this at time T" questions over read models.
 */
export interface AuthorizationRequest {
  /** e.g. "kms:Decrypt". */
  readonly action: string;
  readonly caller: Principal;
  /** Absent for operations on no key (CreateKey, ListKeys): only identity policies apply. */
  readonly key?: KeyFacts;
  /** The caller's identity policies; empty for root and service principals. */
  readonly identityPolicies: readonly IdentityPolicy[];
  /** The key's grants. */
  readonly grants?: readonly Grant[];
  /** Grants named by grant tokens in the request (possibly not yet listed on the key). */
  readonly grantsFromTokens?: readonly Grant[];
  /** RetireGrant: the grant being retired. */
  readonly targetGrant?: Grant;
  readonly context: RequestContext;
}

interface Weighed {
  readonly reason: Reason;
  readonly tri: Tri;
}

interface Env {
  readonly req: AuthorizationRequest;
  readonly ctx: ContextKeys;
  readonly resource: string;
}

function residualTerms(t: Tri): readonly ConditionTerm[] {
  return t.kind === 'residual' ? t.terms : [];
}

function identityStatements(env: Env, effect: 'Allow' | 'Deny'): Weighed[] {
  const { req, ctx, resource } = env;
  const out: Weighed[] = [];
  for (const policy of req.identityPolicies) {
    const variables = supportsVariables(policy.document);
    for (const stmt of policy.document.statements) {
      if (stmt.effect !== effect) continue;
      if (!statementCoversAction(stmt, req.action)) continue;
      if (!statementCoversResource(stmt, resource, ctx, variables)) continue;
      const block = evaluateConditions(stmt.conditions, ctx, variables);
      if (block.tri.kind === 'false') continue;
      out.push({
        reason: {
          source: 'identityPolicy',
          policyName: policy.name,
          effect,
          ...(stmt.sid === undefined ? {} : { sid: stmt.sid }),
          index: stmt.index,
          conditions: block.evaluated,
        },
        tri: block.tri,
      });
    }
  }
  return out;
}

interface KeyStatementHit extends Weighed {
  readonly match: 'direct' | 'account' | 'notPrincipal';
}

function keyPolicyStatements(env: Env, effect: 'Allow' | 'Deny'): KeyStatementHit[] {
  const { req, ctx, resource } = env;
  const doc = req.key?.policy;
  if (doc === undefined) return [];
  const variables = supportsVariables(doc);
  const out: KeyStatementHit[] = [];
  for (const stmt of doc.statements) {
    if (stmt.effect !== effect) continue;
    const match = statementNamesCaller(stmt, req.caller);
    if (match === 'none') continue;
    if (!statementCoversAction(stmt, req.action)) continue;
    if (!statementCoversResource(stmt, resource, ctx, variables)) continue;
    const block = evaluateConditions(stmt.conditions, ctx, variables);
    if (block.tri.kind === 'false') continue;
    out.push({
      match,
      reason: {
        source: 'keyPolicy',
        principalMatch: match,
        effect,
        ...(stmt.sid === undefined ? {} : { sid: stmt.sid }),
        index: stmt.index,
        conditions: block.evaluated,
      },
      tri: block.tri,
    });
  }
  return out;
}

/** What the caller's own side contributes: identity policy Allows, or root's standing permission. */
function identityAllows(env: Env): Weighed[] {
  const { caller } = env.req;
  if (caller.type === 'Root') return [{ reason: { source: 'rootUser', accountId: caller.accountId }, tri: TRUE }];
  if (caller.type === 'AWSService') return [];
  return identityStatements(env, 'Allow');
}

/** A source that needs the caller's identity side as well: one path per identity Allow. */
function withIdentity(first: Weighed, identity: readonly Weighed[]): AccessPath[] {
  return identity.map((id) => ({
    sources: [first.reason, id.reason],
    requires: [...residualTerms(first.tri), ...residualTerms(id.tri)],
  }));
}

function grantCondition(env: Env, grant: Grant): Tri {
  const { req, ctx } = env;
  const op = grantOperationOf(req.action);
  if (op === 'CreateGrant') {
    if (!ctx.grantRequestKnown) {
      return {
        kind: 'residual',
        terms: [{ kind: 'grantRedelegation', operations: grant.operations, ...(grant.constraints === undefined ? {} : { constraints: grant.constraints }) }],
      };
    }
    const asked = req.context.grant;
    return asked !== undefined && isNarrowerOrEqualGrant(grant, asked) ? TRUE : FALSE;
  }
  const symmetric = req.key?.keySpec === undefined || req.key.keySpec === 'SYMMETRIC_DEFAULT';
  const c = grant.constraints;
  if (op === undefined || !ENCRYPTION_CONTEXT_OPERATIONS.has(op) || !symmetric || c === undefined) return TRUE;
  if (!ctx.encryptionContextKnown) {
    const terms: ConditionTerm[] = [];
    if (c.encryptionContextEquals !== undefined) terms.push({ kind: 'grantConstraint', constraint: 'EncryptionContextEquals', encryptionContext: c.encryptionContextEquals });
    if (c.encryptionContextSubset !== undefined) terms.push({ kind: 'grantConstraint', constraint: 'EncryptionContextSubset', encryptionContext: c.encryptionContextSubset });
    return terms.length === 0 ? TRUE : { kind: 'residual', terms };
  }
  return grantConstraintsHold(c, ctx.encryptionContext) ? TRUE : FALSE;
}

interface Collected {
  readonly paths: AccessPath[];
  readonly denials: Denial[];
  /** Some source allowed the caller's account (or a cross-account caller) but the identity side did not. */
  awaitingIdentity: boolean;
}

/** A source naming the caller's account (or reaching across accounts) counts only with an identity Allow. */
function pathsFrom(match: GrantPrincipalMatch | 'notPrincipal', needsIdentityAnyway: boolean, source: Weighed, identity: readonly Weighed[], c: Collected): void {
  if (match === 'none') return;
  if (match === 'account' || needsIdentityAnyway) {
    const paths = withIdentity(source, identity);
    if (paths.length === 0) c.awaitingIdentity = true;
    c.paths.push(...paths);
    return;
  }
  c.paths.push({ sources: [source.reason], requires: residualTerms(source.tri) });
}

function collectKeyAccess(env: Env, c: Collected): void {
  const { req } = env;
  const key = req.key;
  if (key === undefined) return;
  const identity = identityAllows(env);
  // A caller from another account needs its own identity policy too (root has it implicitly).
  const crossAccount = req.caller.accountId !== key.accountId && req.caller.type !== 'Root' && req.caller.type !== 'AWSService';

  for (const hit of keyPolicyStatements(env, 'Allow')) pathsFrom(hit.match, crossAccount, hit, identity, c);

  const op = grantOperationOf(req.action);
  if (op === undefined) return;
  const forKey = (g: Grant): boolean => g.keyId === key.keyId || g.keyId === key.arn;
  for (const { grant, viaGrantToken } of grantsInPlay((req.grants ?? []).filter(forKey), (req.grantsFromTokens ?? []).filter(forKey))) {
    if (!grant.operations.includes(op)) continue;
    const match = grantPrincipalMatch(grant.granteePrincipal, req.caller);
    if (match === 'none') continue;
    const tri = grantCondition(env, grant);
    if (tri.kind === 'false') continue;
    const source: Weighed = {
      reason: {
        source: 'grant',
        grantId: grant.grantId,
        ...(grant.name === undefined ? {} : { grantName: grant.name }),
        viaGrantToken,
        granteeIsAccount: match === 'account',
      },
      tri,
    };
    pathsFrom(match, false, source, identity, c);
  }
}

/**
 * RetireGrant is decided by the grant, not the key policy: the retiring principal, the
 * grantee when the grant includes RetireGrant, or the account that created the grant.
 * An account named there delegates to its principals through identity policies.
 */
function collectRetireAccess(env: Env, c: Collected): void {
  const grant = env.req.targetGrant;
  if (grant === undefined) return;
  const identity = identityAllows(env);
  const caller = env.req.caller;
  const bases: { basis: 'retiringPrincipal' | 'granteeWithRetireGrant' | 'issuingAccount'; match: GrantPrincipalMatch }[] = [
    { basis: 'retiringPrincipal', match: grantPrincipalMatch(grant.retiringPrincipal, caller) },
    { basis: 'granteeWithRetireGrant', match: grant.operations.includes('RetireGrant') ? grantPrincipalMatch(grant.granteePrincipal, caller) : 'none' },
    { basis: 'issuingAccount', match: grantPrincipalMatch(grant.issuingAccount, caller) },
  ];
  for (const { basis, match } of bases) {
    pathsFrom(match, false, { reason: { source: 'retireGrant', grantId: grant.grantId, basis }, tri: TRUE }, identity, c);
  }
}

function collectDenials(env: Env, c: Collected, includeKeyPolicy: boolean): void {
  const add = (w: Weighed): void => {
    c.denials.push({ source: w.reason, when: residualTerms(w.tri) });
  };
  if (includeKeyPolicy) keyPolicyStatements(env, 'Deny').forEach(add);
  // Identity policies cannot be attached to the root user or to services.
  const t = env.req.caller.type;
  if (t !== 'Root' && t !== 'AWSService') identityStatements(env, 'Deny').forEach(add);
}

function isRetireGrant(action: string): boolean {
  return action.toLowerCase() === 'kms:retiregrant';
}

function evaluate(req: AuthorizationRequest, symbolic: boolean): { explanation: AccessExplanation; decision: Decision } {
  const ctx = buildContextKeys({ action: req.action, caller: req.caller, ...(req.key === undefined ? {} : { key: req.key }), context: req.context, symbolic });
  const env: Env = { req, ctx, resource: req.key?.arn ?? '*' };
  const c: Collected = { paths: [], denials: [], awaitingIdentity: false };
  const retire = isRetireGrant(req.action);
  if (retire) collectRetireAccess(env, c);
  else if (req.key !== undefined) collectKeyAccess(env, c);
  else {
    // No key: the identity side alone decides (root may do anything in its account).
    for (const w of identityAllows(env)) c.paths.push({ sources: [w.reason], requires: residualTerms(w.tri) });
    c.awaitingIdentity = true;
  }
  // kms:RetireGrant has no effect in a key policy, Allow or Deny.
  collectDenials(env, c, !retire);

  const decision = decide(req, c);
  const definite = c.paths.some((p) => p.requires.length === 0) && c.denials.length === 0;
  const outcome = decision.explicitDeny || c.paths.length === 0 ? 'Deny' : definite ? 'Allow' : 'Conditional';
  return { explanation: { outcome, paths: c.paths, denials: c.denials, ...(outcome === 'Conditional' ? {} : { decision }) }, decision };
}

/** A key statement paired with several identity statements is cited once. */
function distinct(reasons: readonly Reason[]): Reason[] {
  const seen = new Set<string>();
  return reasons.filter((r) => {
    const id = JSON.stringify(r);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** The decision from what is certain: paths and denials with nothing left to decide. */
function decide(req: AuthorizationRequest, c: Collected): Decision {
  const resource = req.key?.arn ?? '*';
  const prefix = `User: ${req.caller.arn} is not authorized to perform: ${req.action} on resource: ${resource}`;
  const deniedBy = c.denials.filter((d) => d.when.length === 0).map((d) => d.source);
  if (deniedBy.length > 0) {
    const inKeyPolicy = deniedBy.some((r) => r.source === 'keyPolicy');
    return {
      effect: 'Deny',
      explicitDeny: true,
      reasons: deniedBy,
      message: `${prefix} with an explicit deny in ${inKeyPolicy ? 'a resource-based' : 'an identity-based'} policy`,
    };
  }
  const allowedBy = c.paths.filter((p) => p.requires.length === 0);
  if (allowedBy.length > 0) return { effect: 'Allow', explicitDeny: false, reasons: distinct(allowedBy.flatMap((p) => p.sources)) };
  const missing = c.awaitingIdentity ? 'identity-based' : 'resource-based';
  const detail = isRetireGrant(req.action)
    ? req.targetGrant === undefined
      ? 'no grant was named to retire'
      : `the caller is neither the retiring principal, a grantee allowed to retire, nor the account that created grant ${req.targetGrant.grantId}`
    : missing === 'identity-based'
      ? `no identity-based policy of the caller allows ${req.action}`
      : `no key policy statement or grant allows ${req.action} for this caller`;
  return {
    effect: 'Deny',
    explicitDeny: false,
    reasons: [{ source: 'implicitDeny', missing, detail }],
    message: `${prefix} because no ${missing} policy allows the ${req.action} action`,
  };
}

/**
 * The live decision: an explicit Deny anywhere wins; otherwise the key policy must allow
 * the caller directly, or allow its account and then an identity policy must allow; a
 * caller from another account needs both; grants allow their operations under their
 * constraints. Unknown-key hints in the context are ignored here: every condition is decided.
 */
export function authorize(request: AuthorizationRequest): Decision {
  return evaluate(request, false).decision;
}

/**
 * Symbolic evaluation for audits: condition keys listed in `context.unknownKeys` are not
 * decided; the conditions that read them stay attached to each access path and denial.
 */
export function explainAccess(request: AuthorizationRequest): AccessExplanation {
  return evaluate(request, true).explanation;
}

/** Convenience for RetireGrant: who may retire `grant`. */
export function mayRetireGrant(input: {
  readonly grant: Grant;
  readonly caller: Principal;
  readonly identityPolicies: readonly IdentityPolicy[];
  readonly key?: KeyFacts;
  readonly context: RequestContext;
}): Decision {
  return authorize({
    action: 'kms:RetireGrant',
    caller: input.caller,
    identityPolicies: input.identityPolicies,
    targetGrant: input.grant,
    context: input.context,
    ...(input.key === undefined ? {} : { key: input.key }),
  });
}

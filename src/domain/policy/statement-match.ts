import type { ContextKeys } from './context-keys.js';
import { variableLookup } from './conditions.js';
import { globMatch, matchesTokens, resolve, tokenize } from './pattern.js';
import { matchPrincipalSet, notPrincipalExempts, type Principal } from './principal.js';
import type { Statement } from './policy-document.js';

/** Action names are matched case-insensitively, with * and ? wildcards (kms:GenerateDataKey*). */
export function statementCoversAction(stmt: Statement, action: string): boolean {
  if (stmt.action !== undefined) return stmt.action.some((p) => globMatch(p, action, true));
  if (stmt.notAction !== undefined) return !stmt.notAction.some((p) => globMatch(p, action, true));
  return false;
}

function resourcePatternMatches(pattern: string, resource: string, ctx: ContextKeys, variables: boolean): boolean {
  if (pattern === '*') return true;
  const r = resolve(tokenize(pattern, { wildcards: true, variables }), variableLookup(ctx));
  // A variable without a value (or not known yet) cannot name this resource.
  return r.kind === 'resolved' && matchesTokens(r.tokens, resource, false);
}

/** In a key policy "*" means this key; operations on no key (CreateKey) use the resource "*". */
export function statementCoversResource(stmt: Statement, resource: string, ctx: ContextKeys, variables: boolean): boolean {
  if (stmt.resource !== undefined) return stmt.resource.some((p) => resourcePatternMatches(p, resource, ctx, variables));
  if (stmt.notResource !== undefined) return !stmt.notResource.some((p) => resourcePatternMatches(p, resource, ctx, variables));
  return false;
}

export type StatementPrincipalMatch = 'direct' | 'account' | 'notPrincipal' | 'none';

export function statementNamesCaller(stmt: Statement, caller: Principal): StatementPrincipalMatch {
  if (stmt.principal !== undefined) return matchPrincipalSet(stmt.principal, caller);
  if (stmt.notPrincipal !== undefined) return notPrincipalExempts(stmt.notPrincipal, caller) ? 'none' : 'notPrincipal';
  return 'none';
}

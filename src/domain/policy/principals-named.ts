import { classifyAwsPrincipal, type AwsPrincipalName } from './arn.js';
import type { ConditionTerm } from './decision.js';
import type { Effect, PolicyDocument, PrincipalSet, Statement } from './policy-document.js';

export type NamedPrincipalKind =
  | AwsPrincipalName
  | { readonly type: 'service'; readonly service: string }
  | { readonly type: 'federated'; readonly provider: string }
  | { readonly type: 'canonicalUser'; readonly id: string };

/** One principal a key policy names, with everything that limits what it is given. */
export interface NamedPrincipal {
  readonly sid?: string;
  readonly index: number;
  readonly effect: Effect;
  /** NotPrincipal entries name who is exempted, not who is given access. */
  readonly element: 'Principal' | 'NotPrincipal';
  /** The value as written ("*" for everyone). */
  readonly value: string;
  readonly names: NamedPrincipalKind;
  readonly action?: readonly string[];
  readonly notAction?: readonly string[];
  /** The statement's conditions, which stay attached to whatever it gives this principal. */
  readonly conditions: readonly ConditionTerm[];
}

function entriesOf(set: PrincipalSet): { value: string; names: NamedPrincipalKind }[] {
  const out: { value: string; names: NamedPrincipalKind }[] = [];
  if (set.anyone) out.push({ value: '*', names: { type: 'anyone' } });
  for (const v of set.aws) {
    const named = classifyAwsPrincipal(v);
    if (named !== undefined) out.push({ value: v, names: named });
  }
  for (const v of set.service) out.push({ value: v, names: { type: 'service', service: v } });
  for (const v of set.federated) out.push({ value: v, names: { type: 'federated', provider: v } });
  for (const v of set.canonicalUser) out.push({ value: v, names: { type: 'canonicalUser', id: v } });
  return out;
}

function termsOf(stmt: Statement): ConditionTerm[] {
  return stmt.conditions.map((c) => ({ kind: 'condition', operator: c.operator.name, key: c.key, values: c.values }));
}

/**
 * Every principal a policy names, statement by statement: the starting set for "who could
 * use this key" (add the account's identities when an account root is named, and grantees).
 */
export function principalsNamedBy(policy: PolicyDocument): NamedPrincipal[] {
  const out: NamedPrincipal[] = [];
  for (const stmt of policy.statements) {
    const element = stmt.principal !== undefined ? 'Principal' : 'NotPrincipal';
    const set = stmt.principal ?? stmt.notPrincipal;
    if (set === undefined) continue;
    for (const { value, names } of entriesOf(set)) {
      out.push({
        ...(stmt.sid === undefined ? {} : { sid: stmt.sid }),
        index: stmt.index,
        effect: stmt.effect,
        element,
        value,
        names,
        ...(stmt.action === undefined ? {} : { action: stmt.action }),
        ...(stmt.notAction === undefined ? {} : { notAction: stmt.notAction }),
        conditions: termsOf(stmt),
      });
    }
  }
  return out;
}

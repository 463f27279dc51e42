import type { ConditionClause, Statement } from '../../../domain/policy/index.js';
import { deletedKey, type KeyControl } from '../control.js';

/** Condition keys that tie a request to known callers or places: a "*" principal under one of them is not the public. */
const RESTRICTING_KEYS = new Set(
  [
    'aws:PrincipalAccount', 'kms:CallerAccount', 'aws:PrincipalOrgID', 'aws:PrincipalOrgPaths', 'aws:PrincipalArn', 'aws:userid', 'aws:username',
    'aws:SourceIp', 'aws:SourceVpc', 'aws:SourceVpce', 'aws:SourceAccount', 'aws:SourceArn', 'aws:SourceOrgID', 'aws:SourceOrgPaths', 'aws:PrincipalServiceName',
  ].map((k) => k.toLowerCase()),
);

const OPEN_VALUES = new Set(['*', '0.0.0.0/0', '::/0']);

/**
 * A clause restricts the callers when it must match a restricting key against specific
 * values: a positive operator, not IfExists (an absent key would pass), not ForAllValues
 * (an empty set passes), and no value that matches anything.
 */
export function restricts(clause: ConditionClause): boolean {
  const op = clause.operator;
  if (op.negated || op.ifExists || op.qualifier === 'ForAllValues' || op.family === 'Null' || op.family === 'Bool') return false;
  if (!RESTRICTING_KEYS.has(clause.key.toLowerCase())) return false;
  return clause.values.length > 0 && clause.values.every((v) => !OPEN_VALUES.has(v) && !/^\*+$/.test(v));
}

/** An Allow for everyone: Principal "*" (or AWS "*"), or NotPrincipal (everyone but a few), with no restricting condition. */
export function isPublicStatement(s: Statement): boolean {
  if (s.effect !== 'Allow') return false;
  const everyone = s.principal?.anyone === true || s.principal?.aws.includes('*') === true || s.notPrincipal !== undefined;
  return everyone && !s.conditions.some(restricts);
}

const label = (s: Statement) => (s.sid === undefined ? `statement #${s.index}` : `statement "${s.sid}" (#${s.index})`);

export const publicKeyPolicy: KeyControl = {
  definition: {
    id: 'KMS.5',
    title: 'Key policies are not public',
    references: ['AWS Security Hub KMS.5'],
    scope: 'key',
    description: 'No key policy statement allows Principal "*" (or everyone through NotPrincipal) without a condition that restricts the callers to known accounts, organizations, principals or networks.',
  },
  inputs: ['key'],
  evaluate(view) {
    const deleted = deletedKey(view);
    if (deleted !== undefined || view.document === null || view.policy === null) return deleted ?? { status: 'NOT_APPLICABLE', reason: 'the key has no key policy', details: {}, evidence: [] };
    const open = view.document.statements.filter(isPublicStatement);
    const proof = { what: view.policy.defaultPolicy ? 'default key policy set' : 'key policy set', citation: view.policy.validity.from, byWhom: true } as const;
    if (open.length === 0) return { status: 'PASS', reason: 'no key policy statement allows the public', details: { publicStatements: [] }, evidence: [proof] };
    return {
      status: 'FAIL',
      reason: `key policy ${open.map(label).join(', ')} ${open.length === 1 ? 'allows' : 'allow'} anyone without a restricting condition`,
      details: {
        publicStatements: open.map((s) => ({ sid: s.sid ?? null, index: s.index, actions: s.action ?? null, notActions: s.notAction ?? null, conditions: s.conditions.map((c) => `${c.operator.name} ${c.key}`) })),
      },
      evidence: [proof],
    };
  },
};

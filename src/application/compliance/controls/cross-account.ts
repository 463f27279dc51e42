import type { KeyOperation } from '../../../domain/key/key-state-table.js';
import { reportable } from '../../audit/who-could-use.js';
import { KEY_OPERATIONS } from '../../audit/key-actions.js';
import type { Subject } from '../../audit/subjects.js';
import type { Citation } from '../../audit/temporal-read-models.js';
import { deletedKey, type KeyControl, type Proof } from '../control.js';
import { namedAccounts } from './named-principals.js';

/** A subject of another account than the key's; "*" is KMS.5's question, services act for the key's own account. */
function foreignAccount(subject: Subject, keyAccount: string): string | undefined {
  if (subject.kind === 'principal' || subject.kind === 'accountPrincipals') return subject.accountId === keyAccount ? undefined : subject.accountId;
  return undefined;
}

interface ForeignAccess {
  readonly principal: string;
  readonly description: string;
  readonly accountId: string;
  readonly outcome: 'Allow' | 'Conditional';
  readonly operations: KeyOperation[];
  readonly because: string[];
  readonly conditions: string[];
}

export const crossAccountAccess: KeyControl = {
  definition: {
    id: 'KT.CROSS_ACCOUNT',
    title: 'Keys are not usable by other accounts',
    references: ['AWS KMS best practices: least privilege across accounts'],
    scope: 'key',
    description: "No principal of another account can use the key through its key policy or a grant. Failing results list who can, for which operations, and why.",
  },
  inputs: ['key', 'identities'],
  evaluate(view) {
    const deleted = deletedKey(view);
    if (deleted !== undefined) return deleted;
    const access = view.access();
    if (access === null) return { status: 'NOT_APPLICABLE', reason: 'the key has no key policy', details: {}, evidence: [] };
    const { at, keyAt } = access;
    const found = new Map<string, ForeignAccess>();
    const citations = new Map<string, Citation>();
    let standInReaches = false;
    for (const subject of view.candidates()) {
      const accountId = foreignAccount(subject, view.key.accountId);
      if (accountId === undefined) continue;
      for (const operation of KEY_OPERATIONS) {
        const entry = at.explain(keyAt, subject, operation);
        if (!reportable(entry) || entry.outcome === 'Deny') continue;
        const outcome = entry.outcome;
        if (subject.kind === 'accountPrincipals' || (subject.kind === 'principal' && subject.principalType === 'Root')) standInReaches = true;
        const f = found.get(entry.principal) ?? { principal: entry.principal, description: entry.description, accountId, outcome, operations: [], because: [], conditions: [] };
        f.operations.push(operation);
        for (const p of entry.paths) {
          for (const b of p.because) if (!f.because.includes(b)) f.because.push(b);
          for (const c of p.conditions) if (!f.conditions.includes(c)) f.conditions.push(c);
        }
        found.set(entry.principal, outcome === 'Allow' && f.outcome === 'Conditional' ? { ...f, outcome } : f);
        for (const c of entry.citations) citations.set(c.position, c);
      }
    }
    const grantIds = new Set(keyAt.grants.map((g) => g.validity.from.position));
    const proof = (c: Citation): Proof => ({
      what: grantIds.has(c.position) ? `grant ${keyAt.grants.find((g) => g.validity.from.position === c.position)?.grantId} created` : c.stream.startsWith('iamaccount-') ? `identity policy put (${c.type})` : 'key policy set',
      citation: c,
      byWhom: true,
    });
    const policyProof: Proof = { what: 'key policy set', citation: keyAt.policy.validity.from, byWhom: true };
    if (found.size === 0) {
      const foreign = [...namedAccounts(view)].some((a) => a !== view.key.accountId);
      return { status: 'PASS', reason: 'no principal of another account can use the key', details: { principals: [] }, evidence: [policyProof], identityIndependent: !foreign };
    }
    const accounts = [...new Set([...found.values()].map((f) => f.accountId))];
    return {
      status: 'FAIL',
      reason: `${found.size} principal${found.size === 1 ? '' : 's'} of ${accounts.length === 1 ? `account ${accounts[0]}` : `${accounts.length} other accounts`} can use the key`,
      details: { accounts, principals: [...found.values()] },
      evidence: [...citations.values()].map(proof),
      // Another account (or its root) as a whole can use it, whatever users and roles it has.
      identityIndependent: standInReaches,
    };
  },
};

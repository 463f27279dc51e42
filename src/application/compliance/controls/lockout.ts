import { subjectId } from '../../audit/subjects.js';
import { deletedKey, type KeyControl } from '../control.js';
import { namedValues, namesIdentity } from './named-principals.js';

export const policyLockout: KeyControl = {
  definition: {
    id: 'KT.POLICY.LOCKOUT',
    title: 'Someone can administer the key',
    references: ['AWS KMS key policies: the policy lockout safety check'],
    scope: 'key',
    description:
      'Some principal can still change the key policy (kms:PutKeyPolicy), directly or through the account whose identity policies the key policy delegates to; otherwise the key is locked out.',
  },
  inputs: ['key', 'identities'],
  evaluate(view) {
    const deleted = deletedKey(view);
    if (deleted !== undefined) return deleted;
    const access = view.access();
    if (access === null || view.policy === null) return { status: 'NOT_APPLICABLE', reason: 'the key has no key policy', details: {}, evidence: [] };
    const { at, keyAt } = access;
    const administrators: { principal: string; description: string; outcome: string; because: string[]; conditions: string[] }[] = [];
    let standInAdministers = false;
    for (const subject of view.candidates()) {
      // A user or role the policy names but that no longer exists administers nothing.
      if (subject.kind === 'principal' && subject.principalType !== 'Root' && view.principalExists(subject.arn) === false) continue;
      const entry = at.explain(keyAt, subject, 'PutKeyPolicy');
      if (entry.outcome === 'Deny') continue;
      if (subject.kind !== 'principal' || subject.principalType === 'Root') standInAdministers = true;
      administrators.push({
        principal: subjectId(subject),
        description: entry.description,
        outcome: entry.outcome,
        because: entry.paths.flatMap((p) => p.because),
        conditions: entry.paths.flatMap((p) => p.conditions),
      });
    }
    const proof = { what: view.policy.defaultPolicy ? 'default key policy set' : 'key policy set', citation: view.policy.validity.from, byWhom: true } as const;
    if (administrators.length === 0) {
      return {
        status: 'FAIL',
        reason: 'no principal can change the key policy (kms:PutKeyPolicy): the key is locked out',
        details: { administrators: [] },
        evidence: [proof],
        // Users and roles could only come in by name: an account named here already failed as a whole.
        identityIndependent: !namedValues(view).some(namesIdentity),
      };
    }
    return {
      status: 'PASS',
      reason: `${administrators.length} principal${administrators.length === 1 ? '' : 's'} can change the key policy, e.g. ${administrators[0]!.description}`,
      details: { administrators },
      evidence: [proof],
      // The root user, anyone, or an account as a whole administers it: no user or role changes that.
      identityIndependent: standInAdministers,
    };
  },
};

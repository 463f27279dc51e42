import type { KeyOperation } from '../../domain/key/key-state-table.js';
import { principalsNamedBy } from '../../domain/policy/index.js';
import type { AccessAt, AccessEntry, ConcreteRequest, KeyAt } from './access-at.js';
import { subjectId, subjectsNamed, type Subject } from './subjects.js';
import type { Citation, TemporalReadModels } from './temporal-read-models.js';

/**
 * Everyone a key's access could reach at an instant: the principals its key policy names
 * (an account standing for its root user, for "any of its principals whose identity
 * policies allow it", and for each principal it had then), and its grants' grantees.
 */
export function candidateSubjects(at: AccessAt, models: TemporalReadModels, keyAt: KeyAt): Subject[] {
  const subjects = new Map<string, Subject>();
  const add = (value: string): void => {
    for (const subject of subjectsNamed(value) ?? []) {
      subjects.set(subjectId(subject), subject);
      if (subject.kind !== 'accountPrincipals') continue;
      for (const p of models.principalsOfAccount(subject.accountId, at.asOf)) {
        const principalType = p.principalType;
        subjects.set(p.arn, { kind: 'principal', principalType, arn: p.arn, accountId: p.accountId });
      }
    }
  };
  for (const named of principalsNamedBy(keyAt.facts.policy)) if (named.element === 'Principal') add(named.value);
  for (const grant of keyAt.grants) add(grant.granteePrincipal);
  return [...subjects.values()];
}

/** An entry worth reporting: some access, or a Deny that names the principal outright. */
export function reportable(entry: AccessEntry): boolean {
  return entry.outcome !== 'Deny' || entry.explicitDeny;
}

export interface WhoCouldAnswer {
  readonly keyId: string;
  readonly keyArn: string | null;
  readonly keyState: string | null;
  readonly operations: readonly KeyOperation[];
  /** One entry per principal and operation with access (Allow or Conditional) or an explicit Deny. */
  readonly entries: readonly AccessEntry[];
  /** Every principal weighed, allowed or not. */
  readonly considered: readonly string[];
  /** The key version and key policy version the answer rests on (entries cite grants and identity policies). */
  readonly citations: readonly Citation[];
}

export function whoCouldUse(at: AccessAt, models: TemporalReadModels, keyId: string, operations: readonly KeyOperation[], request?: ConcreteRequest): WhoCouldAnswer {
  const keyAt = at.keyAt(keyId);
  if (keyAt === null) {
    const key = models.key(keyId, at.asOf);
    return { keyId, keyArn: key?.arn ?? null, keyState: key?.keyState ?? null, operations, entries: [], considered: [], citations: key === null ? [] : [key.validity.from] };
  }
  const subjects = candidateSubjects(at, models, keyAt);
  const entries: AccessEntry[] = [];
  for (const subject of subjects) {
    for (const operation of operations) {
      const entry = at.explain(keyAt, subject, operation, request);
      if (reportable(entry)) entries.push(entry);
    }
  }
  return {
    keyId,
    keyArn: keyAt.key.arn,
    keyState: keyAt.key.keyState,
    operations,
    entries,
    considered: subjects.map(subjectId),
    citations: [keyAt.key.validity.from, keyAt.policy.validity.from],
  };
}

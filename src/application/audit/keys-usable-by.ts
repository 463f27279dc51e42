import type { KeyOperation } from '../../domain/key/key-state-table.js';
import { accountRootArn } from '../../domain/policy/index.js';
import type { AccessAt } from './access-at.js';
import { summarizeAccess } from './access-summary.js';
import { describeSubject, subjectId, type Subject } from './subjects.js';
import type { Citation, TemporalReadModels } from './temporal-read-models.js';
import { reportable } from './who-could-use.js';

export interface UsableKey {
  readonly keyId: string;
  readonly arn: string;
  readonly keyState: string;
  readonly operations: readonly {
    readonly operation: KeyOperation;
    readonly outcome: 'Allow' | 'Deny' | 'Conditional';
    readonly keyStateAllows: boolean;
    readonly because: readonly string[];
    readonly conditions: readonly string[];
    readonly citations: readonly Citation[];
  }[];
}

export interface KeysUsableAnswer {
  readonly principal: string;
  readonly description: string;
  readonly keys: readonly UsableKey[];
  readonly keysConsidered: number;
}

/** The principal values under which a key policy or grant could name this subject. */
function namesOf(subject: Subject): string[] {
  switch (subject.kind) {
    case 'principal': {
      const role = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(subject.arn);
      return [subject.arn, ...(role === null ? [] : [`arn:${role[1]}:iam::${role[2]}:role/${role[3]}`]), subject.accountId, accountRootArn(subject.accountId), '*'];
    }
    case 'accountPrincipals':
      return [subject.accountId, accountRootArn(subject.accountId), '*'];
    case 'service':
      return [subject.service, '*'];
    case 'anyone':
      return ['*'];
  }
}

/**
 * Which keys a principal could use at an instant, and for which operations: the keys of
 * its own account, the keys whose policies name it (or its account, or "*"), and the keys
 * whose grants name it, each weighed by the evaluator. With `ownerAccount`, only that
 * account's keys are looked at (a caller of the query API sees no other account's keys).
 */
export function keysUsableBy(
  at: AccessAt,
  models: TemporalReadModels,
  subject: Subject,
  operations: readonly KeyOperation[],
  ownerAccount?: string,
): KeysUsableAnswer {
  const names = namesOf(subject);
  const candidates = new Set<string>();
  if (subject.kind === 'principal' || subject.kind === 'accountPrincipals') for (const k of models.keysOfAccount(subject.accountId, at.asOf)) candidates.add(k.keyId);
  for (const keyId of models.keysNaming(names, at.asOf)) candidates.add(keyId);
  for (const grant of models.grantsForGrantees(names, at.asOf)) candidates.add(grant.keyId);
  const keys: UsableKey[] = [];
  let considered = 0;
  for (const keyId of [...candidates].sort()) {
    const keyAt = at.keyAt(keyId);
    if (keyAt === null || (ownerAccount !== undefined && keyAt.key.accountId !== ownerAccount)) continue;
    considered++;
    const usable = operations.map((operation) => at.explain(keyAt, subject, operation)).filter(reportable);
    if (usable.length === 0) continue;
    keys.push({
      keyId,
      arn: keyAt.key.arn,
      keyState: keyAt.key.keyState,
      operations: usable.map((e) => ({
        operation: e.operation,
        outcome: e.outcome,
        keyStateAllows: e.keyStateAllows,
        ...summarizeAccess(e),
        citations: e.citations,
      })),
    });
  }
  return { principal: subjectId(subject), description: describeSubject(subject), keys, keysConsidered: considered };
}

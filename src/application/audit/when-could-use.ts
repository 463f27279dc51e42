import type { KeyOperation } from '../../domain/key/key-state-table.js';
import { parsePosition } from '../ports/positions.js';
import { AccessAt, type AccessEntry } from './access-at.js';
import { summarizeAccess } from './access-summary.js';
import { comparePositionText, sortedCitations } from './key-as-of.js';
import type { PolicyCache } from './policy-cache.js';
import { describeSubject, subjectId, type Subject } from './subjects.js';
import type { Citation, TemporalReadModels } from './temporal-read-models.js';

export interface UseInterval {
  readonly operation: KeyOperation;
  readonly outcome: 'Allow' | 'Conditional';
  /** Conditions still attached throughout the interval (see summarizeAccess). */
  readonly conditions: readonly string[];
  /** Why access held when the interval opened; the reasons may change within it while access holds. */
  readonly because: readonly string[];
  /** The event that opened the interval. */
  readonly from: Citation;
  /** The event that closed it; null while it lasts. */
  readonly to: Citation | null;
}

export interface WhenCouldAnswer {
  readonly principal: string;
  readonly description: string;
  readonly keyId: string;
  readonly intervals: readonly UseInterval[];
  /** How many instants were evaluated: every event that changed the key, its policy, grants, aliases or the principal. */
  readonly instantsEvaluated: number;
}

/** What a principal could do at one instant, reduced to what makes an interval differ. */
function standing(entry: AccessEntry | null): { key: string; entry: AccessEntry } | null {
  if (entry === null || entry.outcome === 'Deny' || !entry.keyStateAllows) return null;
  // Intervals split where the outcome or what it depends on changes, not where only the reasons do.
  return { key: JSON.stringify([entry.outcome, summarizeAccess(entry).conditions]), entry };
}

/**
 * The intervals in which a principal could use a key, per operation. Access can only change
 * at an event that changed the key, its policy, its grants, its aliases or the principal's
 * identity, so the answer is evaluated at each of those events (as of its position) and
 * equal neighbours are merged. A time condition inside a policy (aws:CurrentTime) is
 * evaluated at those instants only.
 */
export function whenCouldUse(models: TemporalReadModels, policies: PolicyCache, subject: Subject, keyId: string, operations: readonly KeyOperation[]): WhenCouldAnswer {
  const history = models.keyHistory(keyId);
  const identityArn = subject.kind === 'principal' && subject.principalType !== 'Root' ? roleOrUser(subject.arn) : null;
  const identity = identityArn === null ? { principals: [], policies: [] } : models.principalHistory(identityArn);
  const edges: Citation[] = [];
  for (const v of [...history.keys, ...history.policies, ...history.grants, ...history.aliases, ...identity.principals, ...identity.policies]) {
    edges.push(v.validity.from);
    if (v.validity.to !== null) edges.push(v.validity.to);
  }
  const instants = sortedCitations(edges);
  const open = new Map<KeyOperation, { key: string; interval: Omit<UseInterval, 'to'> }>();
  const intervals: UseInterval[] = [];
  for (const instant of instants) {
    const at = new AccessAt(models, policies, { position: parsePosition(instant.position) }, instant.time);
    const keyAt = at.keyAt(keyId);
    for (const operation of operations) {
      const now = standing(keyAt === null ? null : at.explain(keyAt, subject, operation));
      const current = open.get(operation);
      if (current !== undefined && current.key === now?.key) continue;
      if (current !== undefined) {
        intervals.push({ ...current.interval, to: instant });
        open.delete(operation);
      }
      if (now !== null) {
        open.set(operation, {
          key: now.key,
          interval: {
            operation,
            outcome: now.entry.outcome as 'Allow' | 'Conditional',
            ...summarizeAccess(now.entry),
            from: instant,
          },
        });
      }
    }
  }
  for (const { interval } of open.values()) intervals.push({ ...interval, to: null });
  intervals.sort((a, b) => operations.indexOf(a.operation) - operations.indexOf(b.operation) || comparePositionText(a.from.position, b.from.position));
  return { principal: subjectId(subject), description: describeSubject(subject), keyId, intervals, instantsEvaluated: instants.length };
}

function roleOrUser(arn: string): string {
  const m = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(arn);
  return m === null ? arn : `arn:${m[1]}:iam::${m[2]}:role/${m[3]}`;
}

import { accountRootArn } from '../../domain/policy/index.js';
import { KEY_OPERATIONS } from './key-actions.js';
import type { AccessAt, AccessEntry } from './access-at.js';
import { summarizeAccess } from './access-summary.js';
import { sortedCitations } from './key-as-of.js';
import { inRange } from './range.js';
import type { Citation, KeyHistory, PrincipalHistory, Range, TemporalReadModels } from './temporal-read-models.js';
import { whoCouldUse } from './who-could-use.js';

export interface ChangeEvent {
  readonly what: string;
  readonly citation: Citation;
}

export interface AccessStanding {
  readonly outcome: AccessEntry['outcome'];
  readonly keyStateAllows: boolean;
  readonly because: readonly string[];
  readonly conditions: readonly string[];
}

export interface AccessDifference {
  readonly change: 'gained' | 'lost' | 'changed';
  readonly principal: string;
  readonly description: string;
  readonly operation: string;
  readonly before: AccessStanding | null;
  readonly after: AccessStanding | null;
}

export interface KeyAccessChanges {
  readonly keyId: string;
  readonly arn: string | null;
  /** The events in the range that changed the key's access: state, policy, grants, aliases, identities. */
  readonly events: readonly ChangeEvent[];
  readonly differences: readonly AccessDifference[];
}

function keyEvents(history: KeyHistory, range: Range): ChangeEvent[] {
  const out: ChangeEvent[] = [];
  const opened = (c: Citation, what: string) => inRange(c, range) && out.push({ what, citation: c });
  history.keys.forEach((v, i) => opened(v.validity.from, i === 0 ? `key created (${v.keyState})` : `key state ${v.keyState}${v.description !== history.keys[i - 1]?.description ? ', description changed' : ''}`));
  history.policies.forEach((v, i) => opened(v.validity.from, i === 0 ? 'key policy set' : 'key policy replaced'));
  for (const g of history.grants) {
    opened(g.validity.from, `grant ${g.grantId} created for ${g.granteePrincipal}: ${g.operations.join(', ')}${g.constraints === null ? '' : ' (with encryption-context constraints)'}`);
    if (g.validity.to !== null) opened(g.validity.to, `grant ${g.grantId} ended (${g.validity.to.type})`);
  }
  for (const a of history.aliases) {
    opened(a.validity.from, `${a.aliasName} points at the key`);
    if (a.validity.to !== null) opened(a.validity.to, `${a.aliasName} no longer points at the key (${a.validity.to.type})`);
  }
  return out;
}

function identityEvents(history: PrincipalHistory, range: Range): ChangeEvent[] {
  const out: ChangeEvent[] = [];
  const edge = (c: Citation | null, what: string) => c !== null && inRange(c, range) && out.push({ what, citation: c });
  for (const p of history.principals) {
    edge(p.validity.from, `${p.principalType.toLowerCase()} ${p.arn} created`);
    edge(p.validity.to, `${p.principalType.toLowerCase()} ${p.arn} deleted`);
  }
  for (const p of history.policies) {
    edge(p.validity.from, `identity policy "${p.policyName}" of ${p.principalArn} put`);
    // A replacement ends one version with the event that opens the next: cited once, as a put.
    if (p.validity.to?.type !== 'IdentityPolicyPut') edge(p.validity.to, `identity policy "${p.policyName}" of ${p.principalArn} deleted`);
  }
  return out;
}

function standings(at: AccessAt, models: TemporalReadModels, keyId: string): Map<string, { entry: AccessEntry; standing: AccessStanding }> {
  const out = new Map<string, { entry: AccessEntry; standing: AccessStanding }>();
  for (const entry of whoCouldUse(at, models, keyId, KEY_OPERATIONS).entries) {
    out.set(`${entry.principal}\0${entry.operation}`, {
      entry,
      standing: {
        outcome: entry.outcome,
        keyStateAllows: entry.keyStateAllows,
        ...summarizeAccess(entry),
      },
    });
  }
  return out;
}

/**
 * What changed in access to one key over (after, until]: the events that changed it, and
 * the difference between "who could use it, for what" at both ends.
 */
export function keyAccessChanges(models: TemporalReadModels, before: AccessAt, after: AccessAt, keyId: string, range: Range): KeyAccessChanges {
  const history = models.keyHistory(keyId);
  const key = history.keys[0];
  const was = standings(before, models, keyId);
  const is = standings(after, models, keyId);
  // Identity policies count in the key's own account and in every account its policy or
  // grants let in (cross-account access needs both sides to allow it).
  const accounts = new Set<string>(key === undefined ? [] : [key.accountId]);
  for (const { entry } of [...was.values(), ...is.values()]) {
    if (entry.subject.kind === 'principal' || entry.subject.kind === 'accountPrincipals') accounts.add(entry.subject.accountId);
  }
  const events = [...keyEvents(history, range), ...[...accounts].flatMap((a) => identityEvents(models.identityChangesIn(a, range), range))];
  const differences: AccessDifference[] = [];
  for (const [id, now] of is) {
    const then = was.get(id);
    const { principal, description, operation } = now.entry;
    if (then === undefined) differences.push({ change: 'gained', principal, description, operation, before: null, after: now.standing });
    else if (JSON.stringify(then.standing) !== JSON.stringify(now.standing)) differences.push({ change: 'changed', principal, description, operation, before: then.standing, after: now.standing });
  }
  for (const [id, then] of was) {
    if (is.has(id)) continue;
    const { principal, description, operation } = then.entry;
    differences.push({ change: 'lost', principal, description, operation, before: then.standing, after: null });
  }
  const citations = sortedCitations(events.map((e) => e.citation));
  const ordered = citations.flatMap((c) => events.filter((e) => e.citation === c || e.citation.position === c.position));
  return { keyId, arn: key?.arn ?? null, events: dedupe(ordered), differences };
}

function dedupe(events: ChangeEvent[]): ChangeEvent[] {
  const seen = new Set<string>();
  return events.filter((e) => {
    const id = `${e.citation.position}\0${e.what}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/**
 * The keys whose access may have changed in the range: keys changed themselves, keys of
 * accounts whose identities changed, and keys whose policies or grants name such an
 * account or one of its changed principals (cross-account access).
 */
export function keysWithAccessChanges(models: TemporalReadModels, range: Range): string[] {
  const keys = new Set(models.keysChangedIn(range));
  for (const account of models.accountsChangedIn(range)) {
    const changed = models.identityChangesIn(account, range);
    const names = [account, accountRootArn(account), ...changed.principals.map((p) => p.arn), ...changed.policies.map((p) => p.principalArn)];
    for (const asOf of [range.after, range.until]) {
      for (const k of models.keysOfAccount(account, asOf)) keys.add(k.keyId);
      for (const keyId of models.keysNaming(names, asOf)) keys.add(keyId);
      for (const grant of models.grantsForGrantees(names, asOf)) keys.add(grant.keyId);
    }
  }
  return [...keys].sort();
}

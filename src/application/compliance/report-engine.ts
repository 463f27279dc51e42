import { principalsNamedBy } from '../../domain/policy/index.js';
import type { Instant } from '../audit/instant.js';
import { comparePositionText } from '../audit/key-as-of.js';
import type { PolicyCache } from '../audit/policy-cache.js';
import type { AsOf, Citation, KeyHistory, Range, TemporalReadModels, Validity } from '../audit/temporal-read-models.js';
import { formatPosition } from '../ports/positions.js';
import { isKeyControl, type Control, type Outcome } from './control.js';
import { CONTROLS } from './controls/index.js';
import type { ReportResource, ReportSettings } from './report-model.js';
import { accountResource, keyResource } from './resources.js';
import { sinceOf, type InputChanges, type Since } from './since.js';
import { Snapshot } from './snapshot.js';

/** One control's outcome for one resource at one instant. */
export interface Evaluated {
  readonly control: Control;
  readonly resource: ReportResource;
  readonly outcome: Outcome;
}

const BEGINNING: AsOf = { time: '1970-01-01T00:00:00.000Z' };
const BEFORE_ANY_POSITION: AsOf = { position: { commit: -1n, prepare: -1n } };

function byTime(changes: readonly Citation[]): Citation[] {
  return [...changes].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : comparePositionText(a.position, b.position)));
}

/** The position of the last change at or before a time, in changes ordered by time; empty before the first. */
function lastAt(changes: readonly Citation[], time: string): string {
  let lo = 0;
  let hi = changes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (changes[mid]!.time <= time) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? '' : changes[lo - 1]!.position;
}

/** A control's outcome for a resource in a snapshot; undefined when the resource did not exist then. */
export function outcomeAt(snapshot: Snapshot, control: Control, resource: ReportResource, settings: ReportSettings): Outcome | undefined {
  if (isKeyControl(control)) {
    const view = snapshot.keyView(resource.id);
    return view === null ? undefined : control.evaluate(view, settings);
  }
  if (snapshot.accounts(resource.id).length === 0) return undefined;
  return control.evaluate(snapshot.accountView(resource.id), settings);
}

/** Every control for every resource of the snapshot (an outcome for those that existed), ordered by control, then resource ARN. */
function evaluateAll(snapshot: Snapshot, accountId: string | null, outcome: (control: Control, resource: ReportResource) => Outcome | undefined): Evaluated[] {
  const keys = snapshot.keys(accountId).map(keyResource);
  const accounts = snapshot.accounts(accountId).map(accountResource);
  const out: Evaluated[] = [];
  for (const control of CONTROLS) {
    for (const resource of isKeyControl(control) ? keys : accounts) {
      const o = outcome(control, resource);
      if (o !== undefined) out.push({ control, resource, outcome: o });
    }
  }
  return out;
}

/**
 * The evaluations of one report at one instant, and at the instants before it that "since"
 * walks back to: snapshots and the changes of each resource's inputs are read once.
 */
export class ReportEngine {
  readonly head: Snapshot;
  private readonly snapshots = new Map<string, Snapshot>();
  private readonly keyChanges = new Map<string, Citation[]>();
  private readonly accountChanges = new Map<string, { principals: Citation[]; policies: Citation[] }>();
  private readonly keyAccounts = new Map<string, string[]>();
  private readonly histories = new Map<string, KeyHistory>();
  private readonly outcomes = new Map<string, Outcome | undefined>();
  private readonly timeOrdered = new Map<string, { own: Citation[]; identities: Citation[] }>();
  private identityAccounts: string[] | undefined;

  constructor(
    private readonly models: TemporalReadModels,
    private readonly policies: PolicyCache,
    readonly settings: ReportSettings,
    readonly instant: Instant,
    readonly accountId: string | null,
  ) {
    this.head = new Snapshot(models, policies, instant.asOf, instant.currentTime, this.histories);
  }

  evaluate(): Evaluated[] {
    return evaluateAll(this.head, this.accountId, (control, resource) => outcomeAt(this.head, control, resource, this.settings));
  }

  /** The snapshot as of a time before the report's instant. */
  at(time: string): Snapshot {
    let snapshot = this.snapshots.get(time);
    if (snapshot === undefined) {
      snapshot = new Snapshot(this.models, this.policies, { time }, time, this.histories);
      this.snapshots.set(time, snapshot);
    }
    return snapshot;
  }

  since(e: Evaluated): Since {
    return sinceOf(e.outcome, this.inputChanges(e.control, e.resource), (time) => this.outcomeAt(time, e.control, e.resource));
  }

  /** Every control for every resource in scope as of a time before the report's instant. */
  evaluateAt(time: string): Evaluated[] {
    return evaluateAll(this.at(time), this.accountId, (control, resource) => this.outcomeAt(time, control, resource));
  }

  /**
   * A control's outcome as of a time, reused for every time that sees the same changes of
   * its inputs (unless time itself moves it): a timeline of many instants re-evaluates only
   * what changed between them.
   */
  outcomeAt(time: string, control: Control, resource: ReportResource): Outcome | undefined {
    if (isKeyControl(control) && control.timeDependent === true) return outcomeAt(this.at(time), control, resource, this.settings);
    const { own, identities } = this.changesByTime(control, resource);
    const result = `${control.definition.id}\0${resource.arn}\0${lastAt(own, time)}`;
    // An outcome that no identity changes holds for as long as the resource's own versions do.
    const independent = this.outcomes.get(result);
    if (independent?.identityIndependent === true) return independent;
    const id = `${result}\0${lastAt(identities, time)}`;
    if (this.outcomes.has(id)) return this.outcomes.get(id);
    const outcome = outcomeAt(this.at(time), control, resource, this.settings);
    this.outcomes.set(id, outcome);
    if (outcome?.identityIndependent === true) this.outcomes.set(result, outcome);
    return outcome;
  }

  private changesByTime(control: Control, resource: ReportResource): { own: Citation[]; identities: Citation[] } {
    const id = `${control.definition.id}\0${resource.arn}`;
    let changes = this.timeOrdered.get(id);
    if (changes === undefined) {
      const { own, identities } = this.inputChanges(control, resource);
      changes = { own: byTime(own), identities: byTime(identities) };
      this.timeOrdered.set(id, changes);
    }
    return changes;
  }

  /** The changes of a result's inputs up to the report's instant, in log order. */
  changesOf(control: Control, resource: ReportResource): Citation[] {
    const { own, identities } = this.inputChanges(control, resource);
    return [...own, ...identities].sort((a, b) => comparePositionText(a.position, b.position));
  }

  /** The key's versions, and the identities of the accounts it names when the control reads them; an account's identities for an account control. */
  private inputChanges(control: Control, resource: ReportResource): InputChanges {
    if (!isKeyControl(control)) return { own: [], identities: this.identityChanges(resource.id) };
    const own = this.keyChangesOf(resource.id);
    const principalsOnly = !control.inputs.includes('identities');
    if (principalsOnly && !control.inputs.includes('principals')) return { own, identities: [] };
    const changed = new Set(this.identityAccountIds());
    const accounts = this.accountsOfKey(resource.id).filter((a) => changed.has(a));
    return { own, identities: accounts.flatMap((a) => (principalsOnly ? this.principalChanges(a) : this.identityChanges(a))) };
  }

  /** The accounts whose identities can bear on a key: its own, and those its policies and grants ever named. */
  private accountsOfKey(keyId: string): string[] {
    let accounts = this.keyAccounts.get(keyId);
    if (accounts === undefined) {
      const h = this.history(keyId);
      const found = new Set(h.keys.map((k) => k.accountId));
      for (const p of h.policies) for (const named of principalsNamedBy(this.policies.keyPolicy(p.policy))) if ('accountId' in named.names) found.add(named.names.accountId);
      for (const g of h.grants) {
        const account = /^(?:arn:aws[a-z-]*:(?:iam|sts)::)?(\d{12})(?::|$)/.exec(g.granteePrincipal)?.[1];
        if (account !== undefined) found.add(account);
      }
      accounts = [...found];
      this.keyAccounts.set(keyId, accounts);
    }
    return accounts;
  }

  /** Every instant at which something in the report's scope changed, oldest first. */
  changeTimes(): string[] {
    const keys = this.head.keys(this.accountId);
    const accounts = this.accountId === null ? this.identityAccountIds() : [this.accountId];
    const citations = [...keys.flatMap((k) => this.keyChangesOf(k.keyId)), ...accounts.flatMap((a) => this.identityChanges(a))];
    return [...new Set(citations.map((c) => c.time))].sort();
  }

  private keyChangesOf(keyId: string): Citation[] {
    let changes = this.keyChanges.get(keyId);
    if (changes === undefined) {
      const h = this.history(keyId);
      const all = [...h.keys, ...h.policies, ...h.grants, ...h.aliases].flatMap((v) => (v.validity.to === null ? [v.validity.from] : [v.validity.from, v.validity.to]));
      changes = all.filter((c) => this.visible(c));
      this.keyChanges.set(keyId, changes);
    }
    return changes;
  }

  private history(keyId: string): KeyHistory {
    let history = this.histories.get(keyId);
    if (history === undefined) {
      history = this.models.keyHistory(keyId);
      this.histories.set(keyId, history);
    }
    return history;
  }

  private identityChanges(accountId: string): Citation[] {
    const { principals, policies } = this.identityHistory(accountId);
    return [...principals, ...policies];
  }

  /** Users and roles created or deleted: what decides whether a grantee exists. */
  private principalChanges(accountId: string): Citation[] {
    return this.identityHistory(accountId).principals;
  }

  private identityHistory(accountId: string): { principals: Citation[]; policies: Citation[] } {
    let changes = this.accountChanges.get(accountId);
    if (changes === undefined) {
      const h = this.models.identityChangesIn(accountId, this.upToInstant());
      const edges = (versions: readonly { validity: Validity }[]) =>
        versions.flatMap((v) => (v.validity.to === null ? [v.validity.from] : [v.validity.from, v.validity.to])).filter((c) => this.visible(c));
      changes = { principals: edges(h.principals), policies: edges(h.policies) };
      this.accountChanges.set(accountId, changes);
    }
    return changes;
  }

  private identityAccountIds(): string[] {
    this.identityAccounts ??= this.models.accountsChangedIn(this.upToInstant());
    return this.identityAccounts;
  }

  private upToInstant(): Range {
    const asOf = this.instant.asOf;
    if (asOf !== undefined && 'position' in asOf) return { after: BEFORE_ANY_POSITION, until: asOf };
    return { after: BEGINNING, until: asOf ?? { time: this.instant.currentTime } };
  }

  /** Whether the report's instant sees a change: by position when it was asked by position, else by time ("now" sees everything). */
  private visible(c: Citation): boolean {
    const asOf = this.instant.asOf;
    if (asOf === undefined) return true;
    if ('position' in asOf) return comparePositionText(c.position, formatPosition(asOf.position)) <= 0;
    return c.time <= this.instant.currentTime;
  }
}

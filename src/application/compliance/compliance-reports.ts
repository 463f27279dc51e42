import { inject, injectable, optional } from 'inversify';
import { labelOf, resolveInstant, type Instant } from '../audit/instant.js';
import { PolicyCache } from '../audit/policy-cache.js';
import { inRange } from '../audit/range.js';
import { TemporalReadModels, type AsOf, type Range } from '../audit/temporal-read-models.js';
import { TimeTravelQueries } from '../audit/time-travel-queries.js';
import { Clock } from '../ports/clock.js';
import { EventStore } from '../ports/event-store.js';
import { ComplianceSettings, DEFAULT_REPORT_SETTINGS, reportSettings } from './compliance-settings.js';
import type { Proof } from './control.js';
import { CONTROLS } from './controls/index.js';
import { EventActors } from './event-actors.js';
import type { ComplianceReport, ControlChange, ControlResult, ReportDiff, ReportSettings } from './report-model.js';
import { ReportEngine, type Evaluated } from './report-engine.js';
import { resultId } from './resources.js';
import { countsOf, eventWords, evidenceOf, resultOf, sinceProofs } from './results.js';
import { timelineOf } from './timeline.js';

export interface ReportOptions {
  /** Absent: now. */
  readonly asOf?: AsOf;
  /** Only this account's keys and identities; absent: every account. */
  readonly accountId?: string;
  /** Limits that replace the configured ones for this report. */
  readonly settings?: Partial<ReportSettings>;
}

export interface DiffOptions {
  readonly from: AsOf;
  readonly to: AsOf;
  readonly accountId?: string;
  readonly settings?: Partial<ReportSettings>;
}

const ORDER = new Map(CONTROLS.map((c, i) => [c.definition.id, i]));

/**
 * Compliance reports: every control for every key and account as of an instant, since when
 * each result has held, and the events that prove it; and what changed between two
 * instants. Read from the temporal read models, after they have caught up with the log.
 */
@injectable()
export class ComplianceReports {
  private readonly policies = new PolicyCache();
  private readonly defaults: ReportSettings;

  constructor(
    @inject(TemporalReadModels) private readonly models: TemporalReadModels,
    @inject(TimeTravelQueries) private readonly queries: TimeTravelQueries,
    @inject(EventStore) private readonly store: EventStore,
    @inject(Clock) private readonly clock: Clock,
    @inject(ComplianceSettings) @optional() settings?: ComplianceSettings,
  ) {
    this.defaults = settings?.defaults ?? DEFAULT_REPORT_SETTINGS;
  }

  async report(options: { asOf?: AsOf; accountId?: string; settings?: Partial<ReportSettings> } = {}): Promise<ComplianceReport> {
    const settings = reportSettings(this.defaults, options.settings);
    const engine = new ReportEngine(this.models, this.policies, settings, await this.instant(options.asOf), options.accountId ?? null);
    const evaluated = engine.evaluate();
    const actors = new EventActors(this.store);
    const results: ControlResult[] = [];
    for (const e of evaluated) results.push(await resultOf(e, engine.since(e), actors));
    const summary = CONTROLS.map((c) => ({ controlId: c.definition.id, ...countsOf(results.filter((r) => r.controlId === c.definition.id)) }));
    return {
      reportVersion: 1,
      asOf: labelOf(engine.instant),
      accountId: options.accountId ?? null,
      settings,
      controls: CONTROLS.map((c) => c.definition),
      summary,
      totals: countsOf(results),
      results,
      timeline: timelineOf(engine, evaluated),
    };
  }

  async diff(options: { from: AsOf; to: AsOf; accountId?: string; settings?: Partial<ReportSettings> }): Promise<ReportDiff> {
    const settings = reportSettings(this.defaults, options.settings);
    const accountId = options.accountId ?? null;
    const before = new ReportEngine(this.models, this.policies, settings, await this.instant(options.from), accountId);
    const after = new ReportEngine(this.models, this.policies, settings, await this.instant(options.to), accountId);
    if (before.instant.currentTime > after.instant.currentTime) throw new RangeError(`from (${before.instant.currentTime}) is after to (${after.instant.currentTime})`);
    const range: Range = { after: options.from, until: options.to };
    const was = new Map(before.evaluate().map((e) => [resultId(e.control.definition.id, e.resource), e]));
    const is = new Map(after.evaluate().map((e) => [resultId(e.control.definition.id, e.resource), e]));
    const actors = new EventActors(this.store);
    const changes: ControlChange[] = [];
    for (const id of new Set([...was.keys(), ...is.keys()])) {
      const then = was.get(id);
      const now = is.get(id);
      if (then?.outcome.status === now?.outcome.status) continue;
      const subject = (now ?? then)!;
      const { evidence } = await evidenceOf(this.changedBy(after, now, then, range), actors);
      changes.push({
        controlId: subject.control.definition.id,
        resource: subject.resource,
        before: then?.outcome.status ?? null,
        after: now?.outcome.status ?? null,
        reasonBefore: then?.outcome.reason ?? null,
        reasonAfter: now?.outcome.reason ?? null,
        evidence,
      });
    }
    changes.sort((a, b) => ORDER.get(a.controlId)! - ORDER.get(b.controlId)! || (a.resource.arn < b.resource.arn ? -1 : a.resource.arn > b.resource.arn ? 1 : 0));
    const access = await this.queries.accessChanges(null, { after: options.from, until: options.to });
    return {
      from: labelOf(before.instant),
      to: labelOf(after.instant),
      accountId,
      controlChanges: changes,
      totalsBefore: countsOf([...was.values()].map((e) => e.outcome)),
      totalsAfter: countsOf([...is.values()].map((e) => e.outcome)),
      access: accountId === null ? access.keys : access.keys.filter((k) => k.arn === null || k.arn.split(':')[4] === accountId),
    };
  }

  /** The events in the range that changed a result: what made the new status so, else every change of its inputs in the range. */
  private changedBy(engine: ReportEngine, now: Evaluated | undefined, then: Evaluated | undefined, range: Range): Proof[] {
    const subject = (now ?? then)!;
    const proofs = now === undefined ? [...then!.outcome.evidence] : [...now.outcome.evidence, ...sinceProofs(engine.since(now), now.outcome.evidence)];
    const inside = proofs.filter((p) => inRange(p.citation, range));
    if (inside.length > 0) return inside;
    return engine
      .changesOf(subject.control, subject.resource)
      .filter((c) => inRange(c, range))
      .map((c) => ({ what: eventWords(c.type), citation: c, byWhom: true }));
  }

  private instant(asOf: AsOf | undefined): Promise<Instant> {
    return resolveInstant(this.models, this.store, this.clock, asOf);
  }
}

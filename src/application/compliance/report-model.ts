import type { KeyAccessChanges } from '../audit/access-changes.js';
import type { InstantLabel } from '../audit/instant.js';
import type { Citation } from '../audit/temporal-read-models.js';

/**
 * A compliance report: every control evaluated for every resource it applies to, as of one
 * instant, with the events that are its evidence. The JSON, CSV and HTML formats all render
 * this one value, so their numbers agree by construction.
 */

export type ControlStatus = 'PASS' | 'FAIL' | 'NOT_APPLICABLE';

/** What a control is evaluated on: each customer key, or each account. */
export type ControlScope = 'key' | 'account';

export interface ControlDefinition {
  /** Stable id, e.g. "KMS.4", "KMS.3", "KT.GRANT.UNCONSTRAINED". */
  readonly id: string;
  readonly title: string;
  /** The frameworks' names for it: "AWS Security Hub KMS.4", "CIS AWS Foundations 3.6", "PCI DSS 3.6.4". */
  readonly references: readonly string[];
  readonly scope: ControlScope;
  /** What passing means, in one or two sentences. */
  readonly description: string;
}

/** An event that shows why a result is what it is. */
export interface Evidence {
  /** What the event did, for a person: "rotation enabled by arn:aws:iam::111122223333:user/alice". */
  readonly what: string;
  readonly citation: Citation;
}

export interface ReportResource {
  readonly type: 'AWS::KMS::Key' | 'AWS::::Account';
  /** Key id or account id. */
  readonly id: string;
  /** Key ARN, or the account's root ARN. */
  readonly arn: string;
  readonly accountId: string;
  /** Keys only. */
  readonly region?: string;
}

export interface ControlResult {
  readonly controlId: string;
  readonly resource: ReportResource;
  readonly status: ControlStatus;
  /**
   * Since when the status has held, up to the report's instant (ISO-8601): the time of the
   * event that made it so, or the moment a time limit was crossed (a cryptoperiod, a grant's
   * age, a key's idle time). Null when it has held since before the resource's first event.
   */
  readonly since: string | null;
  /** Why, in one sentence: "automatic rotation is disabled", "grant 1a2b… is 412 days old (limit 365)". */
  readonly reason: string;
  /** Control-specific facts a reader or a tool may want: who scheduled the deletion, the grant ids, … */
  readonly details: Readonly<Record<string, unknown>>;
  /** Oldest first. Empty only when the status rests on no event (e.g. NOT_APPLICABLE for a deleted key). */
  readonly evidence: readonly Evidence[];
}

export interface StatusCounts {
  readonly pass: number;
  readonly fail: number;
  readonly notApplicable: number;
}

export interface ControlSummary extends StatusCounts {
  readonly controlId: string;
}

/** Control results at one instant of the report's timeline, for the chart of results over time. */
export interface TimelinePoint {
  readonly time: string;
  readonly counts: Readonly<Record<string, StatusCounts>>;
}

/** The limits the time-based controls use; each is a setting with a documented default. */
export interface ReportSettings {
  /** Longest time since a key's last rotation (PCI DSS 3.6.4 cryptoperiod). */
  readonly cryptoperiodDays: number;
  /** A grant older than this fails the grant-age control. */
  readonly grantMaxAgeDays: number;
  /** A key with no successful call for this long fails the unused-key control. */
  readonly unusedKeyDays: number;
}

export interface ComplianceReport {
  readonly reportVersion: 1;
  /** The instant the controls were evaluated at. */
  readonly asOf: InstantLabel;
  /** Restricted to one account, or null for every account. */
  readonly accountId: string | null;
  readonly settings: ReportSettings;
  readonly controls: readonly ControlDefinition[];
  /** One per control, in the order of `controls`. */
  readonly summary: readonly ControlSummary[];
  readonly totals: StatusCounts;
  /** Ordered by control (as in `controls`), then resource ARN. */
  readonly results: readonly ControlResult[];
  /** Oldest first, ending at `asOf`. */
  readonly timeline: readonly TimelinePoint[];
}

export interface ControlChange {
  readonly controlId: string;
  readonly resource: ReportResource;
  /** null: the control did not apply to the resource then (it did not exist yet, or any more). */
  readonly before: ControlStatus | null;
  readonly after: ControlStatus | null;
  readonly reasonBefore: string | null;
  readonly reasonAfter: string | null;
  /** The events in the range that changed the result. */
  readonly evidence: readonly Evidence[];
}

/** `keytrail report diff --from T1 --to T2`: what changed in access and in control results. */
export interface ReportDiff {
  readonly from: InstantLabel;
  readonly to: InstantLabel;
  readonly accountId: string | null;
  readonly controlChanges: readonly ControlChange[];
  readonly totalsBefore: StatusCounts;
  readonly totalsAfter: StatusCounts;
  readonly access: readonly KeyAccessChanges[];
}

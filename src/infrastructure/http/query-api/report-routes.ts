import { parseAsOf } from '../../../application/audit/instant.js';
import type { AsOf } from '../../../application/audit/temporal-read-models.js';
import type { ComplianceReports } from '../../../application/compliance/compliance-reports.js';
import { diffFormat, renderDiff, renderReport, reportFormat, type Rendered } from '../../../application/compliance/format/render.js';
import type { ReportSettings } from '../../../application/compliance/report-model.js';
import { KmsError } from '../../../domain/errors.js';
import { required, type Query } from './query-routes.js';

/** A compliance document of the query API: rendered in the format asked for, for the caller's own account. */
export interface ReportRoute {
  run(reports: ComplianceReports, query: Query, callerAccount: string): Promise<Rendered>;
}

function one(query: Query, name: string): string | undefined {
  const value = query[name];
  return Array.isArray(value) ? value[value.length - 1] : value;
}

function instant(text: string, name: string): AsOf {
  try {
    return parseAsOf(text);
  } catch (e) {
    throw new KmsError('ValidationException', `${name}: ${(e as Error).message}`);
  }
}

/** `cryptoperiodDays=`, `grantMaxAgeDays=`, `unusedKeyDays=`: limits for this report only (validated by the service). */
function settings(query: Query): Partial<ReportSettings> {
  const out: Partial<Record<keyof ReportSettings, number>> = {};
  for (const name of ['cryptoperiodDays', 'grantMaxAgeDays', 'unusedKeyDays'] as const) {
    const text = one(query, name);
    if (text !== undefined) out[name] = Number(text);
  }
  return out;
}

/** GET /_keytrail/report?at=&format=json|csv|html and GET /_keytrail/report/diff?from=&to=&format=json|csv. */
export const REPORT_ROUTES: Readonly<Record<string, ReportRoute>> = {
  report: {
    async run(reports, query, callerAccount) {
      const at = one(query, 'at');
      const format = reportFormat(one(query, 'format') ?? 'json');
      const report = await reports.report({ accountId: callerAccount, settings: settings(query), ...(at === undefined ? {} : { asOf: instant(at, 'at') }) });
      return renderReport(report, format);
    },
  },
  'report/diff': {
    async run(reports, query, callerAccount) {
      const format = diffFormat(one(query, 'format') ?? 'json');
      const from = instant(required(query, 'from'), 'from');
      const to = instant(required(query, 'to'), 'to');
      return renderDiff(await reports.diff({ from, to, accountId: callerAccount, settings: settings(query) }), format);
    },
  },
};

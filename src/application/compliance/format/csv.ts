import type { Evidence, ComplianceReport, ReportDiff } from '../report-model.js';
import type { AccessStanding } from '../../audit/access-changes.js';

/** RFC 4180: a field with a comma, a double quote, CR or LF is quoted, and its double quotes are doubled. */
export function csvField(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Records end with CRLF, the last one too. */
export function csvRecords(rows: readonly (readonly (string | number | null)[])[]): string {
  return rows.map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}

const positions = (evidence: readonly Evidence[]): string => evidence.map((e) => e.citation.position).join(' ');

export const REPORT_CSV_HEADER = ['control', 'resource_arn', 'account', 'status', 'since', 'reason', 'evidence_positions'] as const;

/** One record per control result, in the report's order. */
export function renderCsv(report: ComplianceReport): string {
  return csvRecords([REPORT_CSV_HEADER, ...report.results.map((r) => [r.controlId, r.resource.arn, r.resource.accountId, r.status, r.since, r.reason, positions(r.evidence)])]);
}

export const DIFF_CSV_HEADER = ['kind', 'subject', 'resource_arn', 'account', 'before', 'after', 'reason_before', 'reason_after', 'evidence_positions'] as const;

const standing = (s: AccessStanding | null): string => (s === null ? 'none' : s.outcome);
const because = (s: AccessStanding | null): string | null => (s === null ? null : [...s.because, ...s.conditions.map((c) => `only when ${c}`)].join('; '));

/**
 * One record per control change (kind "control", subject the control id), then one per
 * access difference (kind "access", subject "<operation> <principal>"), citing the key's
 * change events.
 */
export function renderDiffCsv(diff: ReportDiff): string {
  const controls = diff.controlChanges.map((c) => ['control', c.controlId, c.resource.arn, c.resource.accountId, c.before ?? 'none', c.after ?? 'none', c.reasonBefore, c.reasonAfter, positions(c.evidence)]);
  const access = diff.access.flatMap((k) =>
    k.differences.map((d) => [
      'access',
      `${d.operation} ${d.principal}`,
      k.arn ?? k.keyId,
      k.arn?.split(':')[4] ?? null,
      standing(d.before),
      standing(d.after),
      because(d.before),
      because(d.after),
      k.events.map((e) => e.citation.position).join(' '),
    ]),
  );
  return csvRecords([DIFF_CSV_HEADER, ...controls, ...access]);
}

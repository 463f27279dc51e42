import type { ComplianceReport, ReportDiff } from '../report-model.js';

/** The report as it is: the JSON every other format's numbers can be checked against. */
export function renderJson(report: ComplianceReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export function renderDiffJson(diff: ReportDiff): string {
  return `${JSON.stringify(diff, null, 2)}\n`;
}

import type { ComplianceReport, ReportDiff } from '../report-model.js';
import { renderCsv, renderDiffCsv } from './csv.js';
import { renderDiffHtml } from './html-diff.js';
import { renderHtml } from './html.js';
import { renderDiffJson, renderJson } from './json.js';

export const REPORT_FORMATS = ['json', 'csv', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export const DIFF_FORMATS = ['json', 'csv', 'html'] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

export interface Rendered {
  readonly body: string;
  readonly contentType: string;
}

const CONTENT_TYPES: Readonly<Record<ReportFormat, string>> = {
  json: 'application/json',
  csv: 'text/csv; charset=utf-8; header=present',
  html: 'text/html; charset=utf-8',
};

/** RangeError for a format this kind of document has not. */
export function reportFormat(text: string): ReportFormat {
  const found = REPORT_FORMATS.find((f) => f === text.toLowerCase());
  if (found === undefined) throw new RangeError(`format: '${text}' is not one of ${REPORT_FORMATS.join(', ')}`);
  return found;
}

export function diffFormat(text: string): DiffFormat {
  const found = DIFF_FORMATS.find((f) => f === text.toLowerCase());
  if (found === undefined) throw new RangeError(`format: '${text}' is not one of ${DIFF_FORMATS.join(', ')} for a diff`);
  return found;
}

export function renderReport(report: ComplianceReport, format: ReportFormat): Rendered {
  const body = format === 'json' ? renderJson(report) : format === 'csv' ? renderCsv(report) : renderHtml(report);
  return { body, contentType: CONTENT_TYPES[format] };
}

export function renderDiff(diff: ReportDiff, format: DiffFormat): Rendered {
  const body = format === 'json' ? renderDiffJson(diff) : format === 'csv' ? renderDiffCsv(diff) : renderDiffHtml(diff);
  return { body, contentType: CONTENT_TYPES[format] };
}

import type { ComplianceReport, ControlStatus } from '../report-model.js';
import { attr, escapeHtml } from './html-escape.js';

const STATUS_TEXT: Readonly<Record<ControlStatus, string>> = { PASS: 'PASS', FAIL: 'FAIL', NOT_APPLICABLE: 'N/A' };

/**
 * Every result on one line each (status, since, reason), folded away: the failures are shown in
 * full above, and a reader who wants the passing resources of a control finds them here.
 */
export function renderAllResults(report: ComplianceReport): string {
  const rows = report.results.map(
    (r) =>
      `<tr class="result-row"${attr('data-control', r.controlId)}${attr('data-status', r.status)}${attr('data-resource', r.resource.arn)}>` +
      `<td><code>${escapeHtml(r.controlId)}</code></td>` +
      `<td><code>${escapeHtml(r.resource.arn)}</code></td>` +
      `<td><span class="status status-${r.status}">${STATUS_TEXT[r.status] ?? escapeHtml(r.status)}</span></td>` +
      `<td>${r.since === null ? '<span class="muted">from the start</span>' : `<time${attr('datetime', r.since)}>${escapeHtml(r.since)}</time>`}</td>` +
      `<td>${escapeHtml(r.reason)}</td></tr>`,
  );
  return [
    `<section id="all-results" aria-labelledby="all-results-heading">`,
    `<h2 id="all-results-heading">All results</h2>`,
    `<details>`,
    `<summary>${report.results.length} results: every control for every resource it applies to</summary>`,
    `<table class="results">`,
    `<thead><tr><th scope="col">Control</th><th scope="col">Resource</th><th scope="col">Status</th><th scope="col">Since</th><th scope="col">Reason</th></tr></thead>`,
    `<tbody>`,
    ...rows,
    `</tbody></table>`,
    `</details>`,
    `</section>`,
  ].join('\n');
}

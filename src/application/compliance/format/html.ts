import type { ComplianceReport } from '../report-model.js';
import { renderTimelineChart, renderTimelineTable } from './html-chart.js';
import { renderDocument } from './html-document.js';
import { escapeHtml } from './html-escape.js';
import { failingControls, renderFailures } from './html-failures.js';
import { renderAllResults } from './html-results.js';
import { accountText, instantText, renderSummary } from './html-summary.js';

function renderChartSection(report: ComplianceReport): string {
  return [
    `<section id="over-time" aria-labelledby="over-time-heading">`,
    `<h2 id="over-time-heading">Control results over time</h2>`,
    `<figure>`,
    renderTimelineChart(report.timeline),
    `<figcaption>Each bar is one instant of the timeline, up to ${escapeHtml(report.asOf.time)}: failing results at the bottom, then passing, then not applicable, summed over all controls.</figcaption>`,
    `</figure>`,
    `<details>`,
    `<summary>The chart's figures</summary>`,
    renderTimelineTable(report.timeline),
    `</details>`,
    `</section>`,
  ].join('\n');
}

const NAV = [
  '<nav aria-label="Sections"><ul>',
  '<li><a href="#summary">Summary</a></li>',
  '<li><a href="#failures">Failing controls</a></li>',
  '<li><a href="#over-time">Results over time</a></li>',
  '<li><a href="#all-results">All results</a></li>',
  '</ul></nav>',
].join('');

/**
 * The compliance report as one self-contained HTML page for a person: the summary first, then
 * every failing control with its results and evidence, then the results over time as an inline
 * SVG chart. Every report value is escaped; the same report always gives the same bytes.
 */
export function renderHtml(report: ComplianceReport): string {
  const failing = failingControls(report);
  const failingOrder = new Map(failing.map((group, i) => [group.controlId, i]));
  return renderDocument(`KeyTrail compliance report, ${accountText(report.accountId)}, as of ${report.asOf.time}`, 'KeyTrail compliance report', [
    `<p class="muted">${escapeHtml(accountText(report.accountId))}, as of ${escapeHtml(instantText(report.asOf))}</p>`,
    NAV,
    renderSummary(report, failingOrder),
    renderFailures(report, failing),
    renderChartSection(report),
    renderAllResults(report),
  ]);
}

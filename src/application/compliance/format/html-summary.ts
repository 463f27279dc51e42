import type { InstantLabel } from '../../audit/instant.js';
import type { ComplianceReport, ControlDefinition, ControlSummary, ReportSettings, StatusCounts } from '../report-model.js';
import { attr, escapeHtml } from './html-escape.js';
import { renderFailSparkline } from './html-sparkline.js';

const SETTING_LABELS: Readonly<Record<keyof ReportSettings, string>> = {
  cryptoperiodDays: 'Cryptoperiod limit (days since last rotation)',
  grantMaxAgeDays: 'Grant age limit (days)',
  unusedKeyDays: 'Unused key limit (days without a successful call)',
};

export function accountText(accountId: string | null): string {
  return accountId ?? 'all accounts';
}

export function instantText(instant: InstantLabel): string {
  return instant.position === undefined ? instant.time : `${instant.time} (global position ${instant.position})`;
}

/** data-pass / data-fail / data-not-applicable: the figures a test or a tool reads back. */
export function countAttrs(counts: StatusCounts): string {
  return ` data-pass="${counts.pass}" data-fail="${counts.fail}" data-not-applicable="${counts.notApplicable}"`;
}

function countCells(counts: StatusCounts, cell: 'td' | 'th' = 'td'): string {
  return [
    `<${cell} class="num" data-status="PASS" data-count="${counts.pass}">${counts.pass}</${cell}>`,
    `<${cell} class="num" data-status="FAIL" data-count="${counts.fail}">${counts.fail}</${cell}>`,
    `<${cell} class="num" data-status="NOT_APPLICABLE" data-count="${counts.notApplicable}">${counts.notApplicable}</${cell}>`,
  ].join('');
}

function facts(report: ComplianceReport): string {
  const rows: [string, string][] = [
    ['As of', `<time${attr('datetime', report.asOf.time)}>${escapeHtml(report.asOf.time)}</time>`],
    ...(report.asOf.position === undefined ? [] : [['Global position', `<code>${escapeHtml(report.asOf.position)}</code>`] as [string, string]]),
    ['Account', escapeHtml(accountText(report.accountId))],
    ...Object.entries(report.settings).map(([name, value]): [string, string] => [SETTING_LABELS[name as keyof ReportSettings] ?? name, `<span${attr('data-setting', name)}>${escapeHtml(value)}</span>`]),
    ['Report version', escapeHtml(report.reportVersion)],
  ];
  return `<dl class="facts">\n${rows.map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd>${value}</dd>`).join('\n')}\n</dl>`;
}

function headline(report: ComplianceReport): string {
  const failing = report.summary.filter((s) => s.fail > 0).length;
  const { pass, fail, notApplicable } = report.totals;
  return fail === 0
    ? `<p class="headline">No control fails: ${pass} results pass, ${notApplicable} are not applicable, over ${report.controls.length} controls.</p>`
    : `<p class="headline"><strong>${fail} failing results</strong> in ${failing} of ${report.controls.length} controls; ${pass} results pass, ${notApplicable} are not applicable.</p>`;
}

function controlRow(report: ComplianceReport, control: ControlDefinition, counts: ControlSummary | undefined, failIndex: number): string {
  const c = counts ?? { controlId: control.id, pass: 0, fail: 0, notApplicable: 0 };
  const name = failIndex < 0 ? `<code>${escapeHtml(control.id)}</code>` : `<a href="#failing-${failIndex}"><code>${escapeHtml(control.id)}</code></a>`;
  return [
    `<tr class="control-row"${attr('data-control', control.id)}${countAttrs(c)}>`,
    `<th scope="row">${name}</th>`,
    `<td>${escapeHtml(control.title)}${control.references.length === 0 ? '' : `<br><span class="muted">${escapeHtml(control.references.join(' · '))}</span>`}</td>`,
    `<td>${escapeHtml(control.scope)}</td>`,
    countCells(c),
    `<td>${renderFailSparkline(report.timeline, control.id)}</td>`,
    `</tr>`,
  ].join('');
}

/**
 * The summary a reader sees first: the instant, the account, the limits in force, the totals
 * and every control's counts. `failingOrder` numbers the controls that have a section of
 * failures, so the table can link to them.
 */
export function renderSummary(report: ComplianceReport, failingOrder: ReadonlyMap<string, number>): string {
  const byControl = new Map(report.summary.map((s) => [s.controlId, s]));
  return [
    `<section id="summary" aria-labelledby="summary-heading">`,
    `<h2 id="summary-heading">Summary</h2>`,
    facts(report),
    headline(report),
    `<table class="controls">`,
    `<caption>Results per control as of ${escapeHtml(report.asOf.time)}</caption>`,
    `<thead><tr><th scope="col">Control</th><th scope="col">Title</th><th scope="col">Scope</th><th scope="col" class="num">Pass</th><th scope="col" class="num">Fail</th><th scope="col" class="num">Not applicable</th><th scope="col">Failures over time</th></tr></thead>`,
    `<tbody>`,
    ...report.controls.map((control) => controlRow(report, control, byControl.get(control.id), failingOrder.get(control.id) ?? -1)),
    `</tbody>`,
    `<tfoot><tr data-totals${countAttrs(report.totals)}><th scope="row" colspan="3">Total</th>${countCells(report.totals)}<td></td></tr></tfoot>`,
    `</table>`,
    `</section>`,
  ].join('\n');
}

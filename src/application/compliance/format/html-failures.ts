import type { ComplianceReport, ControlDefinition, ControlResult, ControlSummary, ReportResource } from '../report-model.js';
import { attr, escapeHtml } from './html-escape.js';
import { renderDetails, renderEvidence } from './html-evidence.js';
import { countAttrs } from './html-summary.js';

export interface FailingControl {
  readonly controlId: string;
  /** Absent for a result whose control the report does not define; it is still shown. */
  readonly definition: ControlDefinition | undefined;
  readonly results: readonly ControlResult[];
}

/** The failing results grouped by control, in the report's control order (results keep theirs). */
export function failingControls(report: ComplianceReport): FailingControl[] {
  const groups = new Map<string, ControlResult[]>();
  for (const control of report.controls) groups.set(control.id, []);
  for (const result of report.results) {
    if (result.status !== 'FAIL') continue;
    const group = groups.get(result.controlId);
    if (group === undefined) groups.set(result.controlId, [result]);
    else group.push(result);
  }
  const definitions = new Map(report.controls.map((c) => [c.id, c]));
  return [...groups].filter(([, results]) => results.length > 0).map(([controlId, results]) => ({ controlId, definition: definitions.get(controlId), results }));
}

function resourceFacts(resource: ReportResource): [string, string][] {
  return [
    ['Resource type', escapeHtml(resource.type)],
    ['Id', `<code>${escapeHtml(resource.id)}</code>`],
    ['Account', escapeHtml(resource.accountId)],
    ...(resource.region === undefined ? [] : [['Region', escapeHtml(resource.region)] as [string, string]]),
  ];
}

function sinceText(since: string | null): string {
  return since === null ? `<span class="muted">before the resource's first event</span>` : `<time${attr('datetime', since)}>${escapeHtml(since)}</time>`;
}

function renderResult(result: ControlResult): string {
  const rows: [string, string][] = [['Failing since', sinceText(result.since)], ['Reason', escapeHtml(result.reason)], ...resourceFacts(result.resource)];
  return [
    `<article class="result"${attr('data-control', result.controlId)}${attr('data-status', result.status)}${attr('data-resource', result.resource.arn)}${attr('data-since', result.since ?? '')}>`,
    `<h4><span class="status status-FAIL">FAIL</span> <code>${escapeHtml(result.resource.arn)}</code></h4>`,
    `<dl class="facts">\n${rows.map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd>${value}</dd>`).join('\n')}\n</dl>`,
    renderDetails(result.details),
    renderEvidence(result.evidence),
    `</article>`,
  ]
    .filter((part) => part !== '')
    .join('\n');
}

function renderControl(group: FailingControl, index: number, summary: ControlSummary | undefined): string {
  const d = group.definition;
  const counts = summary ?? { pass: 0, fail: group.results.length, notApplicable: 0 };
  return [
    `<section class="control" id="failing-${index}"${attr('data-control', group.controlId)}${countAttrs(counts)} aria-labelledby="failing-${index}-heading">`,
    `<h3 id="failing-${index}-heading"><code>${escapeHtml(group.controlId)}</code>${d === undefined ? '' : ` ${escapeHtml(d.title)}`}</h3>`,
    d === undefined || d.references.length === 0 ? '' : `<p class="muted">${escapeHtml(d.references.join(' · '))}</p>`,
    d === undefined ? '' : `<p>${escapeHtml(d.description)}</p>`,
    `<p>${counts.fail} ${counts.fail === 1 ? 'resource fails' : 'resources fail'}; ${counts.pass} pass; ${counts.notApplicable} not applicable.</p>`,
    ...group.results.map(renderResult),
    `</section>`,
  ]
    .filter((part) => part !== '')
    .join('\n');
}

/** Every failing result, each with its reason, details and evidence, grouped by control. */
export function renderFailures(report: ComplianceReport, groups: readonly FailingControl[]): string {
  const summaries = new Map(report.summary.map((s) => [s.controlId, s]));
  return [
    `<section id="failures" aria-labelledby="failures-heading">`,
    `<h2 id="failures-heading">Failing controls</h2>`,
    groups.length === 0 ? `<p>No control fails as of ${escapeHtml(report.asOf.time)}.</p>` : '',
    ...groups.map((group, i) => renderControl(group, i, summaries.get(group.controlId))),
    `</section>`,
  ]
    .filter((part) => part !== '')
    .join('\n');
}

import type { AccessDifference, AccessStanding, KeyAccessChanges } from '../../audit/access-changes.js';
import type { ControlChange, ControlStatus, ReportDiff, StatusCounts } from '../report-model.js';
import { renderDocument } from './html-document.js';
import { attr, escapeHtml } from './html-escape.js';
import { renderEvidence } from './html-evidence.js';
import { accountText, countAttrs, instantText } from './html-summary.js';

/** A status, or what it means that there was none: the control did not apply to the resource then. */
function statusBadge(status: ControlStatus | null): string {
  return status === null ? `<span class="muted">did not apply</span>` : `<span class="status status-${escapeHtml(status)}">${escapeHtml(status)}</span>`;
}

function totalsRow(label: string, when: 'before' | 'after', counts: StatusCounts): string {
  return `<tr${attr('data-when', when)}${countAttrs(counts)}><th scope="row">${escapeHtml(label)}</th><td class="num">${counts.pass}</td><td class="num">${counts.fail}</td><td class="num">${counts.notApplicable}</td></tr>`;
}

function renderTotals(diff: ReportDiff): string {
  return [
    `<table class="totals">`,
    `<caption>Results over all controls</caption>`,
    `<thead><tr><th scope="col"></th><th scope="col" class="num">Pass</th><th scope="col" class="num">Fail</th><th scope="col" class="num">Not applicable</th></tr></thead>`,
    `<tbody>`,
    totalsRow(`At ${diff.from.time}`, 'before', diff.totalsBefore),
    totalsRow(`At ${diff.to.time}`, 'after', diff.totalsAfter),
    `</tbody></table>`,
  ].join('\n');
}

function renderChange(change: ControlChange): string {
  const facts: [string, string][] = [
    ['Before', `${statusBadge(change.before)}${change.reasonBefore === null ? '' : ` ${escapeHtml(change.reasonBefore)}`}`],
    ['After', `${statusBadge(change.after)}${change.reasonAfter === null ? '' : ` ${escapeHtml(change.reasonAfter)}`}`],
  ];
  return [
    `<article class="change"${attr('data-control', change.controlId)}${attr('data-resource', change.resource.arn)}${attr('data-before', change.before ?? '')}${attr('data-after', change.after ?? '')}>`,
    `<h4><code>${escapeHtml(change.controlId)}</code> <code>${escapeHtml(change.resource.arn)}</code></h4>`,
    `<dl class="facts">\n${facts.map(([term, value]) => `<dt>${term}</dt><dd>${value}</dd>`).join('\n')}\n</dl>`,
    renderEvidence(change.evidence),
    `</article>`,
  ].join('\n');
}

function standingText(standing: AccessStanding | null): string {
  if (standing === null) return '<span class="muted">no access</span>';
  const parts = [`${escapeHtml(standing.outcome)}${standing.keyStateAllows ? '' : ' (the key state refuses it)'}`];
  if (standing.because.length > 0) parts.push(`because ${escapeHtml(standing.because.join('; '))}`);
  if (standing.conditions.length > 0) parts.push(`only if ${escapeHtml(standing.conditions.join('; '))}`);
  return parts.join('<br>');
}

function differenceRow(d: AccessDifference): string {
  return (
    `<tr class="access-row"${attr('data-change', d.change)}${attr('data-principal', d.principal)}${attr('data-operation', d.operation)}>` +
    `<td>${escapeHtml(d.change)}</td><td><code>${escapeHtml(d.principal)}</code><br><span class="muted">${escapeHtml(d.description)}</span></td>` +
    `<td>${escapeHtml(d.operation)}</td><td>${standingText(d.before)}</td><td>${standingText(d.after)}</td></tr>`
  );
}

function renderKeyAccess(key: KeyAccessChanges): string {
  return [
    `<section class="key-access"${attr('data-key', key.keyId)}>`,
    `<h3><code>${escapeHtml(key.arn ?? key.keyId)}</code></h3>`,
    key.differences.length === 0
      ? `<p class="muted">No principal gained or lost access.</p>`
      : [
          `<table class="access">`,
          `<caption>Who gained, lost or changed access</caption>`,
          `<thead><tr><th scope="col">Change</th><th scope="col">Principal</th><th scope="col">Operation</th><th scope="col">Before</th><th scope="col">After</th></tr></thead>`,
          `<tbody>`,
          ...key.differences.map(differenceRow),
          `</tbody></table>`,
        ].join('\n'),
    renderEvidence(key.events),
    `</section>`,
  ].join('\n');
}

/**
 * What changed between two instants, as one self-contained HTML page: the totals at each
 * instant, every control result that changed with the events that changed it, then every
 * key whose access changed.
 */
export function renderDiffHtml(diff: ReportDiff): string {
  const account = accountText(diff.accountId);
  return renderDocument(`KeyTrail compliance changes, ${account}, from ${diff.from.time} to ${diff.to.time}`, 'KeyTrail compliance changes', [
    `<p class="muted">${escapeHtml(account)}, from ${escapeHtml(instantText(diff.from))} to ${escapeHtml(instantText(diff.to))}</p>`,
    `<section id="summary" aria-labelledby="summary-heading">`,
    `<h2 id="summary-heading">Summary</h2>`,
    `<p class="headline">${diff.controlChanges.length} control ${diff.controlChanges.length === 1 ? 'result' : 'results'} changed; access to ${diff.access.length} ${diff.access.length === 1 ? 'key' : 'keys'} changed.</p>`,
    renderTotals(diff),
    `</section>`,
    `<section id="control-changes" aria-labelledby="control-changes-heading">`,
    `<h2 id="control-changes-heading">Control results that changed</h2>`,
    diff.controlChanges.length === 0 ? `<p>No control result changed.</p>` : diff.controlChanges.map(renderChange).join('\n'),
    `</section>`,
    `<section id="access-changes" aria-labelledby="access-changes-heading">`,
    `<h2 id="access-changes-heading">Access that changed</h2>`,
    diff.access.length === 0 ? `<p>No key's access changed.</p>` : diff.access.map(renderKeyAccess).join('\n'),
    `</section>`,
  ]);
}

import type { Evidence } from '../report-model.js';
import { attr, displayText, escapeHtml } from './html-escape.js';

/** The events a result rests on, oldest first, with everything needed to find each in the log. */
export function renderEvidence(evidence: readonly Evidence[]): string {
  if (evidence.length === 0) return `<p class="muted">No event: the result rests on no event in the log.</p>`;
  const rows = evidence.map(
    ({ what, citation: c }) =>
      `<tr class="evidence-row"${attr('data-stream', c.stream)}${attr('data-revision', c.revision)}${attr('data-position', c.position)}>` +
      `<td><time${attr('datetime', c.time)}>${escapeHtml(c.time)}</time></td>` +
      `<td>${escapeHtml(what)}</td>` +
      `<td><code>${escapeHtml(c.type)}</code></td>` +
      `<td><code>${escapeHtml(c.stream)}</code></td>` +
      `<td class="num">${escapeHtml(c.revision)}</td>` +
      `<td><code>${escapeHtml(c.position)}</code></td></tr>`,
  );
  return [
    `<table class="evidence">`,
    `<caption>Evidence (${evidence.length} ${evidence.length === 1 ? 'event' : 'events'}, oldest first)</caption>`,
    `<thead><tr><th scope="col">Time</th><th scope="col">What</th><th scope="col">Event type</th><th scope="col">Stream</th><th scope="col" class="num">Revision</th><th scope="col">Position</th></tr></thead>`,
    `<tbody>`,
    ...rows,
    `</tbody></table>`,
  ].join('\n');
}

/** A detail's value: a list for an array of plain values, indented JSON for anything nested. */
function detailValue(value: unknown): string {
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object')) {
    return value.length === 0 ? '<span class="muted">none</span>' : `<ul class="values">${value.map((v) => `<li>${escapeHtml(v)}</li>`).join('')}</ul>`;
  }
  if (value !== null && typeof value === 'object') return `<pre class="mono">${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;
  return escapeHtml(displayText(value));
}

/** The control-specific facts of a result (who scheduled a deletion, which grants, …). */
export function renderDetails(details: Readonly<Record<string, unknown>>): string {
  const entries = Object.entries(details);
  if (entries.length === 0) return '';
  return `<dl class="facts details">\n${entries.map(([name, value]) => `<dt${attr('data-detail', name)}>${escapeHtml(name)}</dt><dd>${detailValue(value)}</dd>`).join('\n')}\n</dl>`;
}

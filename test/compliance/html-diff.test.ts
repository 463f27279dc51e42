import { describe, expect, it } from 'vitest';
import { renderDiffHtml } from '../../src/application/compliance/format/html-diff.js';
import { escapeHtml } from '../../src/application/compliance/format/html-escape.js';
import { htmlDiffFixture } from './support/html-diff-fixture.js';
import { ATTRIBUTE_BREAKER, HOSTILE } from './support/html-report-fixture.js';
import { countsIn, startTags } from './support/html-read.js';

const diff = htmlDiffFixture();
const html = renderDiffHtml(diff);

describe('the HTML diff', () => {
  it('escapes every value and fetches nothing', () => {
    expect(html).not.toMatch(/<script|onmouseover="|\ssrc=/i);
    expect(html).toContain(escapeHtml(HOSTILE));
    expect(html).toContain(escapeHtml(ATTRIBUTE_BREAKER));
  });

  it('shows the totals at both instants', () => {
    expect(countsIn(startTags(html, 'tr', { 'data-when': 'before' })[0]!)).toEqual(diff.totalsBefore);
    expect(countsIn(startTags(html, 'tr', { 'data-when': 'after' })[0]!)).toEqual(diff.totalsAfter);
    expect(html).toContain('2026-03-02T00:00:00.000Z (global position 30/30)');
  });

  it('shows every changed result, a result that stopped applying as empty, with its evidence', () => {
    const changes = startTags(html, 'article', { class: 'change' });
    expect(changes.map((c) => [c['data-control'], c['data-resource'], c['data-before'], c['data-after']])).toEqual(diff.controlChanges.map((c) => [c.controlId, c.resource.arn, c.before ?? '', c.after ?? '']));
    expect(startTags(html, 'tr', { class: 'evidence-row' }).map((r) => r['data-position'])).toEqual(['20/20', '15/15']);
    expect(html).toContain('<dt>After</dt><dd><span class="muted">did not apply</span></dd>');
  });

  it('shows who gained access to which key, and why', () => {
    expect(startTags(html, 'tr', { class: 'access-row' })).toEqual([{ class: 'access-row', 'data-change': 'gained', 'data-principal': 'arn:aws:iam::444455556666:user/bob', 'data-operation': 'Decrypt' }]);
    expect(html).toContain('Allow<br>because grant g1');
  });

  it('says so when nothing changed, and is deterministic', () => {
    const quiet = renderDiffHtml({ ...diff, controlChanges: [], access: [] });
    expect(quiet).toContain('No control result changed.');
    expect(quiet).toContain("No key's access changed.");
    expect(renderDiffHtml(htmlDiffFixture())).toBe(html);
  });
});

import { describe, expect, it } from 'vitest';
import { labelledIndices, renderTimelineChart, tickStep, totalsAt } from '../../src/application/compliance/format/html-chart.js';
import { attr, escapeHtml } from '../../src/application/compliance/format/html-escape.js';
import { renderHtml } from '../../src/application/compliance/format/html.js';
import type { ComplianceReport } from '../../src/application/compliance/report-model.js';
import { ATTRIBUTE_BREAKER, HOSTILE, htmlAllPassingFixture, htmlReportFixture } from './support/html-report-fixture.js';
import { countsIn, startTags } from './support/html-read.js';

const report = htmlReportFixture();
const html = renderHtml(report);

describe('escaping', () => {
  it('escapes the five characters that can end text or an attribute value', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(attr('data-x', ATTRIBUTE_BREAKER)).toBe(' data-x="x&quot; onmouseover=&quot;alert(1)"');
    expect(attr('data-x', null)).toBe('');
    expect(escapeHtml({ a: ['<b>'] })).toBe('{&quot;a&quot;:[&quot;&lt;b&gt;&quot;]}');
  });

  it('shows markup from the report as text: no script element, no injected attribute', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/onmouseover="/i);
    expect(html).toContain(escapeHtml(ATTRIBUTE_BREAKER));
    expect(html).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;');
    // In a description, a reason, a detail key's value, a list item and evidence: every place it occurs.
    const occurrences = html.split(escapeHtml(HOSTILE)).length - 1;
    expect(occurrences).toBeGreaterThanOrEqual(6);
  });

  it('is self-contained: nothing fetched, no script', () => {
    expect(html).not.toMatch(/\ssrc=/i);
    expect(html).not.toMatch(/href="(?!#|data:)/i);
    expect(html).not.toMatch(/url\(|@import/i);
    expect(html).toContain("default-src 'none'");
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
  });
});

describe('summary', () => {
  it('states the instant, the account and the settings', () => {
    expect(html).toContain('<time datetime="2026-03-02T00:00:00.000Z">2026-03-02T00:00:00.000Z</time>');
    expect(html).toContain('<code>30/30</code>');
    expect(html).toContain('111122223333');
    for (const [name, value] of Object.entries(report.settings)) expect(startTags(html, 'span', { 'data-setting': name })).toHaveLength(1), expect(html).toContain(`data-setting="${name}">${value}</span>`);
    expect(renderHtml(htmlAllPassingFixture())).toContain('all accounts');
  });

  it('has one row per control with its pass / fail / n.a. counts, and the totals', () => {
    const rows = startTags(html, 'tr', { class: 'control-row' });
    expect(rows.map((r) => r['data-control'])).toEqual(report.controls.map((c) => c.id));
    expect(rows.map((r) => ({ controlId: r['data-control'], ...countsIn(r) }))).toEqual(report.summary);
    const [totals, ...more] = startTags(html, 'tr', { 'data-totals': '' });
    expect(more).toEqual([]);
    expect(countsIn(totals!)).toEqual(report.totals);
  });

  it('comes before the failures, which come before the chart', () => {
    const order = ['id="summary"', 'id="failures"', 'id="over-time"', 'id="all-results"'].map((s) => html.indexOf(s));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });
});

describe('failing controls', () => {
  const failing = report.results.filter((r) => r.status === 'FAIL');

  it('shows every failing result, in report order, with reason and since', () => {
    const articles = startTags(html, 'article', { class: 'result' });
    expect(articles.map((a) => [a['data-control'], a['data-resource'], a['data-status'], a['data-since']])).toEqual(failing.map((r) => [r.controlId, r.resource.arn, 'FAIL', r.since ?? '']));
    for (const r of failing) expect(html).toContain(`<dt>Reason</dt><dd>${escapeHtml(r.reason)}</dd>`);
  });

  it('groups them by control, with a section per failing control only', () => {
    const sections = startTags(html, 'section', { class: 'control' });
    expect(sections.map((s) => s['data-control'])).toEqual(['KMS.4', 'KMS.3', 'KMS.5']);
    expect(sections.map((s) => countsIn(s))).toEqual(['KMS.4', 'KMS.3', 'KMS.5'].map((id) => {
      const { controlId: _, ...counts } = report.summary.find((s) => s.controlId === id)!;
      return counts;
    }));
  });

  it('lists the evidence of each failing result: stream, revision, position', () => {
    const rows = startTags(html, 'tr', { class: 'evidence-row' });
    expect(rows.map((r) => [r['data-stream'], Number(r['data-revision']), r['data-position']])).toEqual(
      failing.flatMap((r) => r.evidence.map((e) => [e.citation.stream, e.citation.revision, e.citation.position])),
    );
    for (const e of failing.flatMap((r) => r.evidence)) {
      expect(html).toContain(`<td>${escapeHtml(e.what)}</td>`);
      expect(html).toContain(`<code>${e.citation.type}</code>`);
    }
  });

  it('shows the details of a failing result, lists as lists and objects as JSON', () => {
    expect(startTags(html, 'dt', { 'data-detail': 'scheduledBy' })).toHaveLength(1);
    expect(html).toContain(`<li>${escapeHtml(HOSTILE)}</li><li>Open</li>`);
    expect(html).toContain('&quot;AWS&quot;: &quot;*&quot;');
  });

  it('summarises passing and not-applicable results in one line each, without evidence', () => {
    const notFailing = report.results.filter((r) => r.status !== 'FAIL');
    for (const r of notFailing) {
      expect(startTags(html, 'tr', { class: 'result-row', 'data-control': r.controlId, 'data-resource': r.resource.arn, 'data-status': r.status })).toHaveLength(1);
      expect(startTags(html, 'article', { 'data-control': r.controlId, 'data-resource': r.resource.arn })).toHaveLength(0);
    }
    expect(startTags(html, 'tr', { class: 'result-row' })).toHaveLength(report.results.length);
    expect(html).not.toContain('rotation enabled by alice');
  });

  it('says so when nothing fails', () => {
    const passing = renderHtml(htmlAllPassingFixture());
    expect(passing).toContain('No control fails as of 2026-03-01T11:00:00.000Z.');
    expect(startTags(passing, 'article')).toEqual([]);
  });
});

describe('chart of results over time', () => {
  it('has one stacked bar per timeline instant, with the instant summed over the controls', () => {
    const points = startTags(html, 'g', { class: 'point' });
    expect(points.map((p) => p['data-time'])).toEqual(report.timeline.map((t) => t.time));
    expect(points.map(countsIn)).toEqual(report.timeline.map((t) => {
      const { time: _, ...counts } = totalsAt(t);
      return counts;
    }));
    expect(points[3]).toMatchObject({ 'data-pass': '4', 'data-fail': '3', 'data-not-applicable': '1' });
    expect(startTags(html, 'svg', { class: 'chart' })[0]).toMatchObject({ 'data-points': '5', role: 'img', 'aria-labelledby': 'chart-title chart-desc' });
  });

  it('is accessible: a title, a description, a label per bar, a legend and the figures as a table', () => {
    expect(html).toContain('<title id="chart-title">Control results over time</title>');
    expect(html).toMatch(/<desc id="chart-desc">Stacked bars, one per instant of the report&#39;s timeline \(5 instants from 2026-03-01T10:10:00.000Z to 2026-03-02T00:00:00.000Z/);
    expect(startTags(html, 'g', { class: 'point', 'aria-label': '2026-03-01T12:00:00.000Z: 4 pass, 3 fail, 1 not applicable' })).toHaveLength(1);
    for (const label of ['Fail', 'Pass', 'Not applicable']) expect(html).toContain(`>${label}</text>`);
    expect(startTags(html, 'tr', { 'data-time': '' })).toHaveLength(report.timeline.length);
  });

  it('draws segments whose heights are proportional to the counts', () => {
    const svg = renderTimelineChart([{ time: '2026-01-01T00:00:00.000Z', counts: { A: { pass: 3, fail: 1, notApplicable: 0 } } }]);
    const heights = Object.fromEntries(startTags(svg, 'rect', { 'data-segment': '' }).map((r) => [r['data-segment'], Number(r.height)]));
    expect(Object.keys(heights)).toEqual(['fail', 'pass']);
    expect(heights.pass! / heights.fail!).toBeCloseTo(3, 1);
  });

  it('draws a sparkline of failures per control', () => {
    const sparks = startTags(html, 'svg', { class: 'spark' });
    expect(sparks.map((s) => s['data-fails'])).toEqual(report.controls.map((c) => report.timeline.map((t) => t.counts[c.id]?.fail ?? 0).join(' ')));
  });

  it('picks readable ticks and labels', () => {
    expect([1, 5, 6, 10, 11, 23, 120].map(tickStep)).toEqual([1, 1, 2, 2, 5, 5, 50]);
    expect(labelledIndices(3)).toEqual([0, 1, 2]);
    expect(labelledIndices(101)).toEqual([0, 20, 40, 60, 80, 100]);
  });

  it('copes with an empty timeline', () => {
    const svg = renderTimelineChart([]);
    expect(svg).toContain('data-points="0"');
    expect(svg).toContain('The report has no timeline instants.');
  });
});

describe('determinism', () => {
  it('gives the same bytes for the same report, however it was built', () => {
    const copy = JSON.parse(JSON.stringify(report)) as ComplianceReport;
    expect(renderHtml(copy)).toBe(html);
    expect(renderHtml(htmlReportFixture())).toBe(html);
  });
});

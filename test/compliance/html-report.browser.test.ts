import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/application/compliance/format/html.js';
import { renderDiffHtml } from '../../src/application/compliance/format/html-diff.js';
import { renderDiffJson, renderJson } from '../../src/application/compliance/format/json.js';
import type { ComplianceReport, ReportDiff, StatusCounts } from '../../src/application/compliance/report-model.js';
import { at } from '../application/audit/support/scripted-history.js';
import { after, HOSTILE_SID, htmlHistory, type HtmlHistory } from './support/html-history.js';

/**
 * The HTML report as a person sees it: a real report (the audit script plus a public policy and
 * a cross-account grant, through the real KMS operations) rendered, opened from a file in
 * Debian's Chromium, and its DOM read back against the JSON report.
 */

const CHROMIUM = process.env['KEYTRAIL_CHROMIUM'] ?? '/usr/bin/chromium';
/** CI sets this: there a missing browser is a failure, not a skip. */
const REQUIRED = process.env['KEYTRAIL_REQUIRE_CHROMIUM'] === '1';
const missing = existsSync(CHROMIUM) ? null : `no Chromium at ${CHROMIUM} (install Debian's package: apt-get install -y chromium, or set KEYTRAIL_CHROMIUM)`;
const skip = missing !== null && !REQUIRED;
if (skip) console.warn(`SKIPPED test/compliance/html-report.browser.test.ts: ${missing}`);

it.runIf(REQUIRED)('has the Chromium that CI requires', () => {
  expect(missing, missing ?? '').toBeNull();
});

describe.skipIf(skip)(`HTML report in headless Chromium${skip ? ` (skipped: ${missing})` : ''}`, () => {
  let h: HtmlHistory;
  let report: ComplianceReport;
  let browser: Browser;
  let page: Page;
  let dir: string;
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  let fileUrl: string;
  let diff: ReportDiff;
  let diffFile: string;

  beforeAll(async () => {
    h = await htmlHistory();
    const live = await h.reports.report({ asOf: { time: after(40) } });
    // What a reader of the JSON file gets, not the object in memory.
    report = JSON.parse(renderJson(live)) as ComplianceReport;
    dir = mkdtempSync(join(tmpdir(), 'keytrail-html-report-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, renderHtml(live));
    fileUrl = pathToFileURL(file).href;
    const liveDiff = await h.reports.diff({ from: { time: at(35) }, to: { time: after(40) } });
    diff = JSON.parse(renderDiffJson(liveDiff)) as ReportDiff;
    diffFile = join(dir, 'diff.html');
    writeFileSync(diffFile, renderDiffHtml(liveDiff));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(fileUrl, { waitUntil: 'load' });
  });

  afterAll(async () => {
    await browser?.close();
    await h?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('renders from the file alone: its title, no console error, nothing fetched', async () => {
    expect(await page.title()).toBe(`KeyTrail compliance report, all accounts, as of ${after(40)}`);
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([fileUrl]);
  });

  it('has the history the test needs: failures in several controls, and a timeline', () => {
    expect(new Set(report.results.filter((r) => r.status === 'FAIL').map((r) => r.controlId)).size).toBeGreaterThanOrEqual(3);
    expect(report.timeline.length).toBeGreaterThan(5);
  });

  it('shows per-control pass / fail / n.a. counts equal to the JSON report, in attributes and as text', async () => {
    const rows = await page.locator('tr.control-row').evaluateAll((trs) =>
      trs.map((tr) => {
        const cell = (status: string) => tr.querySelector(`td[data-status="${status}"]`)?.textContent ?? '';
        return {
          controlId: tr.getAttribute('data-control') as string,
          attributes: [tr.getAttribute('data-pass'), tr.getAttribute('data-fail'), tr.getAttribute('data-not-applicable')].map(Number),
          text: [cell('PASS'), cell('FAIL'), cell('NOT_APPLICABLE')].map(Number),
        };
      }),
    );
    const expected = report.summary.map((s) => [s.pass, s.fail, s.notApplicable]);
    expect(rows.map((r) => r.controlId)).toEqual(report.summary.map((s) => s.controlId));
    expect(rows.map((r) => r.attributes)).toEqual(expected);
    expect(rows.map((r) => r.text)).toEqual(expected);
  });

  it('shows the totals of the JSON report', async () => {
    const totals = page.locator('tr[data-totals]');
    const cell = async (status: string) => Number(await totals.locator(`[data-status="${status}"]`).textContent());
    expect({ pass: await cell('PASS'), fail: await cell('FAIL'), notApplicable: await cell('NOT_APPLICABLE') }).toEqual(report.totals);
  });

  it('lists exactly the failing results of the JSON report, each with its reason and every event of evidence', async () => {
    const articles = await page.locator('article.result').evaluateAll((els) =>
      els.map((a) => ({
        controlId: a.getAttribute('data-control'),
        arn: a.getAttribute('data-resource'),
        // The reason as the reader sees it: the <dd> after the "Reason" <dt>.
        reason: [...a.querySelectorAll('dt')].find((dt) => dt.textContent === 'Reason')?.nextElementSibling?.textContent,
        evidence: [...a.querySelectorAll('tr.evidence-row')].map((tr) => tr.getAttribute('data-position')),
      })),
    );
    const failing = report.results.filter((r) => r.status === 'FAIL');
    expect(articles).toEqual(failing.map((r) => ({ controlId: r.controlId, arn: r.resource.arn, reason: r.reason, evidence: r.evidence.map((e) => e.citation.position) })));
  });

  it('shows markup from the log as text and runs none of it', async () => {
    expect(report.results.some((r) => r.reason.includes(HOSTILE_SID))).toBe(true);
    expect(await page.locator('main script, main img').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { pwned?: unknown }).pwned)).toBeUndefined();
    expect(await page.locator('article.result', { hasText: HOSTILE_SID }).count()).toBe(1);
  });

  it('draws the chart with a size, one bar per timeline instant, holding the JSON timeline counts', async () => {
    const chart = page.locator('svg.chart');
    const box = await chart.boundingBox();
    expect(box?.width).toBeGreaterThan(300);
    expect(box?.height).toBeGreaterThan(100);
    expect(await chart.locator('title').first().textContent()).toBe('Control results over time');
    const bars = await chart.locator('g.point').evaluateAll((gs) => gs.map((g) => [g.getAttribute('data-time'), ...['data-pass', 'data-fail', 'data-not-applicable'].map((a) => Number(g.getAttribute(a)))]));
    const sum = (counts: Readonly<Record<string, StatusCounts>>, k: keyof StatusCounts) => Object.values(counts).reduce((n, c) => n + c[k], 0);
    expect(bars).toEqual(report.timeline.map((t) => [t.time, sum(t.counts, 'pass'), sum(t.counts, 'fail'), sum(t.counts, 'notApplicable')]));
    const drawn = await chart.locator('g.point rect').evaluateAll((rects) => rects.filter((r) => r.getBoundingClientRect().height > 0).length);
    expect(drawn).toBeGreaterThanOrEqual(report.timeline.length);
  });

  it('hides the navigation when printed', async () => {
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('nav').isVisible()).toBe(false);
    await page.emulateMedia({ media: 'screen' });
    expect(await page.locator('nav').isVisible()).toBe(true);
  });

  it('renders the diff of two instants with the changes and totals of the JSON diff', async () => {
    const diffPage = await browser.newPage();
    const errors: string[] = [];
    diffPage.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    diffPage.on('pageerror', (e) => errors.push(e.message));
    await diffPage.goto(pathToFileURL(diffFile).href, { waitUntil: 'load' });
    expect(errors).toEqual([]);
    expect(diff.controlChanges.length).toBeGreaterThan(0);
    const changes = await diffPage.locator('article.change').evaluateAll((els) => els.map((a) => [a.getAttribute('data-control'), a.getAttribute('data-resource'), a.getAttribute('data-before'), a.getAttribute('data-after')]));
    expect(changes).toEqual(diff.controlChanges.map((c) => [c.controlId, c.resource.arn, c.before ?? '', c.after ?? '']));
    const totals = await diffPage.locator('tr[data-when]').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => Number(td.textContent))));
    expect(totals).toEqual([diff.totalsBefore, diff.totalsAfter].map((t) => [t.pass, t.fail, t.notApplicable]));
    expect(await diffPage.locator('tr.access-row').count()).toBe(diff.access.reduce((n, k) => n + k.differences.length, 0));
    await diffPage.close();
  });
});

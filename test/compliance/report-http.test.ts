import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TimeTravelQueries } from '../../src/application/audit/time-travel-queries.js';
import type { ComplianceReport, ReportDiff } from '../../src/application/compliance/report-model.js';
import { QueryApiHandler } from '../../src/infrastructure/http/query-api/query-api-handler.js';
import { BOB_KEY, ROOT_A_KEY, signedGet, signingDirectory } from '../application/audit/support/signed-query.js';
import { ACCOUNT_A, ACCOUNT_B, BOB, complianceHistory, day, ROOT_A, SETTINGS, type ComplianceHistory } from './support/compliance-history.js';

let h: ComplianceHistory;
let api: QueryApiHandler;
beforeAll(async () => {
  h = await complianceHistory();
  api = new QueryApiHandler(h.kms.container.get(TimeTravelQueries), signingDirectory(ROOT_A, BOB), { now: () => new Date(h.kms.time) }, h.reports);
});
afterAll(async () => {
  await h.close();
});

function get(path: string, query: Record<string, string>, credentials = ROOT_A_KEY) {
  return signedGet(api, path, query, credentials, new Date(h.kms.time));
}

const limits = { cryptoperiodDays: String(SETTINGS.cryptoperiodDays), grantMaxAgeDays: String(SETTINGS.grantMaxAgeDays), unusedKeyDays: String(SETTINGS.unusedKeyDays) };

describe('GET /_keytrail/report', () => {
  it("answers the caller's own account's report in the format asked for, with its content type", async () => {
    const json = await get('/_keytrail/report', { at: day(25), ...limits });
    expect([json.status, json.headers['Content-Type']]).toEqual([200, 'application/json']);
    const direct = await h.reports.report({ asOf: { time: day(25) }, accountId: ACCOUNT_A, settings: SETTINGS });
    expect(JSON.parse(json.body) as ComplianceReport).toEqual(JSON.parse(JSON.stringify(direct)));

    const csv = await get('/_keytrail/report', { at: day(25), format: 'csv', ...limits });
    expect([csv.status, csv.headers['Content-Type']]).toEqual([200, 'text/csv; charset=utf-8; header=present']);
    expect(csv.body.split('\r\n').length).toBe(1 + direct.results.length + 1);

    const html = await get('/_keytrail/report', { at: day(25), format: 'html' });
    expect([html.status, html.headers['Content-Type']]).toEqual([200, 'text/html; charset=utf-8']);
    expect(html.body).toContain('<html');
  });

  it('shows a caller of another account only that account', async () => {
    const report = JSON.parse((await get('/_keytrail/report', { at: day(25) }, BOB_KEY)).body) as ComplianceReport;
    expect(report.accountId).toBe(ACCOUNT_B);
    expect(new Set(report.results.map((r) => r.resource.accountId))).toEqual(new Set([ACCOUNT_B]));
  });

  it('answers a diff, and refuses what it cannot render or read', async () => {
    const diff = await get('/_keytrail/report/diff', { from: day(3), to: day(25), ...limits });
    expect(diff.status).toBe(200);
    expect((JSON.parse(diff.body) as ReportDiff).controlChanges.map((c) => c.controlId)).toContain('KMS.2');
    const csv = await get('/_keytrail/report/diff', { from: day(3), to: day(25), format: 'csv' });
    expect(csv.headers['Content-Type']).toBe('text/csv; charset=utf-8; header=present');
    const html = await get('/_keytrail/report/diff', { from: day(3), to: day(25), format: 'html' });
    expect([html.status, html.headers['Content-Type']]).toEqual([200, 'text/html; charset=utf-8']);
    for (const [path, query] of [
      ['/_keytrail/report/diff', { from: day(3), to: day(25), format: 'xml' }],
      ['/_keytrail/report/diff', { from: day(3) }],
      ['/_keytrail/report', { at: 'last tuesday' }],
      ['/_keytrail/report', { unusedKeyDays: '0' }],
    ] as const) {
      const refused = await get(path, query);
      expect([path, refused.status, JSON.parse(refused.body).__type]).toEqual([path, 400, 'ValidationException']);
    }
  });
});

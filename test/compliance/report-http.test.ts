import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TimeTravelQueries } from '../../src/application/audit/time-travel-queries.js';
import type { ComplianceReport, ReportDiff } from '../../src/application/compliance/report-model.js';
import type { AccessKeyDirectory, AccessKeyRecord } from '../../src/application/ports/access-key-directory.js';
import type { CallerIdentity } from '../../src/domain/call-context.js';
import { QueryApiHandler } from '../../src/infrastructure/http/query-api/query-api-handler.js';
import { REGION } from '../application/kms/support/kms-fixture.js';
import { ACCOUNT_A, ACCOUNT_B, BOB, complianceHistory, day, ROOT_A, SETTINGS, type ComplianceHistory } from './support/compliance-history.js';

const ROOT_A_KEY = { accessKeyId: 'AKIAROOTAEXAMPLE0001', secretAccessKey: 'root-a/secret/0123456789abcdefghijklmnop' };
const BOB_KEY = { accessKeyId: 'AKIABOBEXAMPLE000001', secretAccessKey: 'bob/secret/0123456789abcdefghijklmnopqrs' };

function directory(): AccessKeyDirectory {
  const keys = new Map<string, AccessKeyRecord>([
    [ROOT_A_KEY.accessKeyId, { secretAccessKey: ROOT_A_KEY.secretAccessKey, active: true, caller: { ...ROOT_A, accessKeyId: ROOT_A_KEY.accessKeyId } as CallerIdentity }],
    [BOB_KEY.accessKeyId, { secretAccessKey: BOB_KEY.secretAccessKey, active: true, caller: { ...BOB, accessKeyId: BOB_KEY.accessKeyId } as CallerIdentity }],
  ]);
  return { find: async (id) => keys.get(id) ?? null };
}

let h: ComplianceHistory;
let api: QueryApiHandler;
beforeAll(async () => {
  h = await complianceHistory();
  api = new QueryApiHandler(h.kms.container.get(TimeTravelQueries), directory(), { now: () => new Date(h.kms.time) }, h.reports);
});
afterAll(async () => {
  await h.close();
});

async function get(path: string, query: Record<string, string>, credentials = ROOT_A_KEY) {
  const signer = new SignatureV4({ service: 'kms', region: REGION, credentials, sha256: Hash.bind(null, 'sha256') });
  const request = new HttpRequest({ method: 'GET', protocol: 'http:', hostname: 'localhost', port: 4000, path, query, headers: { host: 'localhost:4000' } });
  const signed = await signer.sign(request, { signingDate: new Date(h.kms.time) });
  return api.handle({ method: 'GET', path, query, headers: signed.headers as Record<string, string>, body: new Uint8Array(), sourceIp: '127.0.0.1' });
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

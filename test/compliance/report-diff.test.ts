import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderDiffCsv } from '../../src/application/compliance/format/csv.js';
import { renderDiffJson } from '../../src/application/compliance/format/json.js';
import type { ReportDiff } from '../../src/application/compliance/report-model.js';
import { ACCOUNT_A, ACCOUNT_B, BOB, CAROL, complianceHistory, day, ROOT_A, SETTINGS, type ComplianceHistory } from './support/compliance-history.js';

let h: ComplianceHistory;
let diff: ReportDiff;
beforeAll(async () => {
  h = await complianceHistory();
  diff = await h.reports.diff({ from: { time: day(3) }, to: { time: day(25) }, settings: SETTINGS });
});
afterAll(async () => {
  await h.close();
});

const change = (controlId: string, resourceId: string) => diff.controlChanges.find((c) => c.controlId === controlId && c.resource.id === resourceId);

describe('report diff --from T1 --to T2', () => {
  it('lists the control results that changed, with the events in the range that changed them', async () => {
    expect(change('KMS.2', ACCOUNT_A)).toMatchObject({ before: 'FAIL', after: 'PASS' });
    expect(change('KMS.2', ACCOUNT_A)!.evidence.map((e) => [e.citation.type, e.citation.time])).toEqual([['IdentityPolicyPut', day(11)]]);
    const orphaned = change('KT.GRANT.ORPHANED', h.k1.keyId)!;
    expect(orphaned).toMatchObject({ before: 'PASS', after: 'FAIL', reasonAfter: `grant ${h.carolGrant} is to ${CAROL.arn}, which does not exist` });
    expect(orphaned.evidence.map((e) => [e.citation.type, e.citation.time])).toEqual([
      ['GrantCreated', day(5)],
      ['PrincipalDeleted', day(6)],
    ]);
    expect(orphaned.evidence[1]!.what).toContain(`by ${ROOT_A.arn}`);
    // K3 did not exist at the start.
    expect(change('KMS.3', h.k3.keyId)).toMatchObject({ before: null, after: 'FAIL', reasonBefore: null });
    // Unchanged results are left out: bob's grant came and went inside the range.
    expect(change('KT.CROSS_ACCOUNT', h.k1.keyId)).toBeUndefined();
    expect(change('KMS.2', ACCOUNT_B)).toBeUndefined();
  });

  it('counts both ends as the reports at those instants do', async () => {
    const [before, after] = await Promise.all([day(3), day(25)].map((time) => h.reports.report({ asOf: { time }, settings: SETTINGS })));
    expect(diff.totalsBefore).toEqual(before!.totals);
    expect(diff.totalsAfter).toEqual(after!.totals);
    expect(diff.from).toEqual({ time: day(3) });
    expect(diff.to).toEqual({ time: day(25) });
  });

  it('carries the access changes of the same range', async () => {
    const k1 = diff.access.find((k) => k.keyId === h.k1.keyId)!;
    expect(k1.events.map((e) => e.citation.type)).toEqual(expect.arrayContaining(['GrantCreated', 'GrantRevoked']));
    expect(k1.differences).toContainEqual(expect.objectContaining({ change: 'gained', principal: CAROL.arn, operation: 'Encrypt' }));
    expect(k1.differences.some((d) => d.principal === BOB.arn)).toBe(false);
    const narrow = await h.reports.diff({ from: { time: day(3) }, to: { time: day(4, 60) }, settings: SETTINGS });
    expect(narrow.controlChanges.map((c) => c.controlId)).toEqual(['KT.CROSS_ACCOUNT', 'KT.GRANT.UNCONSTRAINED', 'KT.GRANT.REDELEGATION']);
    expect(narrow.access.flatMap((k) => k.differences).filter((d) => d.principal === BOB.arn).map((d) => [d.change, d.operation])).toEqual([
      ['gained', 'Decrypt'],
      ['gained', 'CreateGrant'],
    ]);
    await expect(h.reports.diff({ from: { time: day(25) }, to: { time: day(3) } })).rejects.toThrow(RangeError);
    const onlyB = await h.reports.diff({ from: { time: day(3) }, to: { time: day(25) }, accountId: ACCOUNT_B, settings: SETTINGS });
    expect([onlyB.controlChanges, onlyB.access]).toEqual([[], []]);
  });

  it('renders as JSON and as CSV, one record per change', () => {
    expect(JSON.parse(renderDiffJson(diff))).toEqual(JSON.parse(JSON.stringify(diff)));
    const lines = renderDiffCsv(diff).split('\r\n');
    expect(lines[0]).toBe('kind,subject,resource_arn,account,before,after,reason_before,reason_after,evidence_positions');
    const differences = diff.access.reduce((n, k) => n + k.differences.length, 0);
    expect(lines.length).toBe(1 + diff.controlChanges.length + differences + 1);
    expect(lines.at(-1)).toBe('');
    expect(lines.filter((l) => l.startsWith('control,KMS.2,'))).toEqual([
      `control,KMS.2,arn:aws:iam::${ACCOUNT_A}:root,${ACCOUNT_A},FAIL,PASS,arn:aws:iam::${ACCOUNT_A}:user/alice has an identity policy that allows kms:Decrypt and kms:ReEncryptFrom on all keys,none of the account's 1 users and roles has an identity policy that allows decryption with every key,${change('KMS.2', ACCOUNT_A)!.evidence[0]!.citation.position}`,
    ]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComplianceReport, ControlResult } from '../../src/application/compliance/report-model.js';
import { parsePosition } from '../../src/application/ports/positions.js';
import { ACCOUNT_A, ACCOUNT_B, ALICE, BOB, complianceHistory, day, ROOT_A, SETTINGS, type ComplianceHistory } from './support/compliance-history.js';

let h: ComplianceHistory;
beforeAll(async () => {
  h = await complianceHistory();
});
afterAll(async () => {
  await h.close();
});

const reports = new Map<string, Promise<ComplianceReport>>();
function reportAt(time: string): Promise<ComplianceReport> {
  let report = reports.get(time);
  if (report === undefined) {
    report = h.reports.report({ asOf: { time }, settings: SETTINGS });
    reports.set(time, report);
  }
  return report;
}

function resultOf(report: ComplianceReport, controlId: string, resourceId: string): ControlResult {
  const found = report.results.find((r) => r.controlId === controlId && r.resource.id === resourceId);
  if (found === undefined) throw new Error(`no ${controlId} result for ${resourceId}`);
  return found;
}

type Row = readonly [at: string, control: string, resource: 'K1' | 'K2' | 'K3' | 'A' | 'B', status: string, since: string];

/** Every control passes and fails at known times of the script, with the instant each result has held since. */
const EXPECTED: readonly Row[] = [
  [day(1, 5), 'KMS.4', 'K1', 'FAIL', day(1)],
  [day(3), 'KMS.4', 'K1', 'PASS', day(2)],
  [day(13), 'KMS.4', 'K3', 'NOT_APPLICABLE', day(12)],
  [day(25), 'PCI-DSS.3.6.4', 'K1', 'PASS', day(1)],
  [day(35), 'PCI-DSS.3.6.4', 'K1', 'FAIL', day(31)],
  [day(45), 'PCI-DSS.3.6.4', 'K1', 'PASS', day(40)],
  [day(9, 60), 'KMS.3', 'K3', 'PASS', day(9)],
  [day(13), 'KMS.3', 'K3', 'FAIL', day(12)],
  [day(7, 60), 'KMS.5', 'K2', 'FAIL', day(7)],
  [day(8, 60), 'KMS.5', 'K2', 'PASS', day(8)],
  [day(1, 5), 'KMS.2', 'A', 'FAIL', day(0)],
  [day(13), 'KMS.2', 'A', 'PASS', day(11)],
  [day(1, 5), 'KMS.2', 'B', 'PASS', day(0)],
  [day(3), 'KT.CROSS_ACCOUNT', 'K1', 'PASS', day(1)],
  [day(4, 60), 'KT.CROSS_ACCOUNT', 'K1', 'FAIL', day(4)],
  [day(25), 'KT.CROSS_ACCOUNT', 'K1', 'PASS', day(20)],
  [day(4, 60), 'KT.GRANT.UNCONSTRAINED', 'K1', 'FAIL', day(4)],
  [day(25), 'KT.GRANT.UNCONSTRAINED', 'K1', 'PASS', day(20)],
  [day(4, 60), 'KT.GRANT.ORPHANED', 'K1', 'PASS', day(1)],
  [day(6, 60), 'KT.GRANT.ORPHANED', 'K1', 'FAIL', day(6)],
  [day(13), 'KT.GRANT.AGE', 'K1', 'PASS', day(1)],
  [day(16), 'KT.GRANT.AGE', 'K1', 'FAIL', day(14)],
  // Bob's grant, the first to cross the limit, is revoked; carol's has been too old since day 15: no gap.
  [day(25), 'KT.GRANT.AGE', 'K1', 'FAIL', day(14)],
  [day(4, 60), 'KT.GRANT.REDELEGATION', 'K1', 'FAIL', day(4)],
  [day(25), 'KT.GRANT.REDELEGATION', 'K1', 'PASS', day(20)],
  [day(16), 'KT.KEY.UNUSED', 'K1', 'PASS', day(1)],
  [day(25), 'KT.KEY.UNUSED', 'K1', 'FAIL', day(23)],
  [day(35), 'KT.KEY.UNUSED', 'K1', 'PASS', day(30)],
  [day(25), 'KT.KEY.UNUSED', 'K2', 'FAIL', day(21, 1)],
  [day(8, 60), 'KT.KEY.DISABLED_ALIASED', 'K2', 'PASS', day(1, 1)],
  [day(10, 60), 'KT.KEY.DISABLED_ALIASED', 'K2', 'FAIL', day(10, 1)],
  [day(1, 5), 'KT.KEY.UNLABELLED', 'K2', 'FAIL', day(1, 1)],
  [day(10, 60), 'KT.KEY.UNLABELLED', 'K2', 'PASS', day(10)],
  [day(9, 60), 'KT.POLICY.LOCKOUT', 'K1', 'PASS', day(1)],
  [day(9, 60), 'KT.POLICY.LOCKOUT', 'K3', 'FAIL', day(9, 1)],
];

describe('the compliance report over a scripted history', () => {
  it('gives each control its status, and since when it has held, at known times', async () => {
    const ids = { K1: h.k1.keyId, K2: h.k2.keyId, K3: h.k3.keyId, A: ACCOUNT_A, B: ACCOUNT_B };
    const actual: Row[] = [];
    for (const [at, control, resource] of EXPECTED) {
      const r = resultOf(await reportAt(at), control, ids[resource]);
      actual.push([at, control, resource, r.status, r.since ?? 'null']);
    }
    expect(actual).toEqual(EXPECTED);
  });

  it('names who scheduled a deletion, when, and when it completes, citing the event', async () => {
    const r = resultOf(await reportAt(day(13)), 'KMS.3', h.k3.keyId);
    expect(r.details).toMatchObject({ scheduledBy: ROOT_A.arn, scheduledAt: day(12), deletionDate: day(42), pendingWindowInDays: 30 });
    const [scheduled] = await h.kms.events((e) => e.type === 'KeyDeletionScheduled' && e.stream === `kmskey-${h.k3.keyId}`);
    expect(r.evidence).toContainEqual({
      what: `deletion scheduled for ${day(42)} by ${ROOT_A.arn}`,
      citation: { stream: scheduled!.stream, revision: Number(scheduled!.revision), time: day(12), type: 'KeyDeletionScheduled', position: `${scheduled!.position.commit}/${scheduled!.position.prepare}` },
    });
  });

  it('says who of another account can use a key, through which grant', async () => {
    const r = resultOf(await reportAt(day(4, 60)), 'KT.CROSS_ACCOUNT', h.k1.keyId);
    const principals = r.details['principals'] as { principal: string; operations: string[]; because: string[] }[];
    expect(principals.map((p) => p.principal)).toEqual([BOB.arn]);
    expect(principals[0]!.operations).toEqual(['Decrypt', 'CreateGrant']);
    expect(principals[0]!.because).toEqual([`Allow by grant ${h.bobGrant}`]);
    expect(r.evidence.map((e) => [e.citation.type, e.citation.time])).toEqual([['GrantCreated', day(4)]]);
  });

  it('lists the identity policies that allow decryption with every key, and the policy a public statement is in', async () => {
    const kms2 = resultOf(await reportAt(day(1, 5)), 'KMS.2', ACCOUNT_A);
    expect(kms2.details['findings']).toEqual([{ principal: ALICE.arn, policyName: 'Everything', statement: 'AllKms (#0)', actions: ['kms:Decrypt', 'kms:ReEncryptFrom'], conditions: [] }]);
    expect(kms2.evidence.map((e) => e.citation.type)).toContain('IdentityPolicyPut');
    const kms5 = resultOf(await reportAt(day(7, 60)), 'KMS.5', h.k2.keyId);
    expect((kms5.details['publicStatements'] as { sid: string }[]).map((s) => s.sid)).toEqual(['Open']);
    expect(kms5.evidence).toEqual([expect.objectContaining({ what: `key policy set by ${ROOT_A.arn}`, citation: expect.objectContaining({ type: 'PolicyPut', time: day(7) }) })]);
  });

  it('cites the last use of an idle key, and every result cites its events oldest first', async () => {
    const report = await reportAt(day(25));
    const unused = resultOf(report, 'KT.KEY.UNUSED', h.k1.keyId);
    expect(unused.details['lastUse']).toEqual({ time: day(3), operation: 'Encrypt', caller: ROOT_A.arn });
    expect(unused.evidence.map((e) => [e.citation.type, e.citation.time])).toEqual([['KmsCallRecorded', day(3)]]);
    for (const r of report.results) {
      const positions = r.evidence.map((e) => parsePosition(e.citation.position).commit);
      expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      if (r.status !== 'NOT_APPLICABLE') expect(r.evidence.length).toBeGreaterThan(0);
    }
  });

  it('adds up: summary, totals, and the timeline ending at the report instant', async () => {
    const report = await reportAt(day(25));
    expect(report.controls.map((c) => c.id)).toEqual(report.summary.map((s) => s.controlId));
    const sum = report.summary.reduce((t, s) => ({ pass: t.pass + s.pass, fail: t.fail + s.fail, notApplicable: t.notApplicable + s.notApplicable }), { pass: 0, fail: 0, notApplicable: 0 });
    expect(sum).toEqual(report.totals);
    expect(sum.pass + sum.fail + sum.notApplicable).toBe(report.results.length);
    // 3 keys x 13 key controls + 2 accounts x KMS.2
    expect(report.results.length).toBe(41);
    const last = report.timeline.at(-1)!;
    expect(last.time).toBe(day(25));
    for (const s of report.summary) expect(last.counts[s.controlId]).toEqual({ pass: s.pass, fail: s.fail, notApplicable: s.notApplicable });
    const times = report.timeline.map((p) => p.time);
    expect(times).toEqual([...times].sort());
    expect(times.length).toBeLessThanOrEqual(60);
    // At day 5, before anything failed at day 6, the timeline shows K1's grant controls as they were.
    const day5 = report.timeline.find((p) => p.time === day(5))!;
    expect(day5.counts['KT.GRANT.ORPHANED']).toEqual({ pass: 2, fail: 0, notApplicable: 0 });
    expect(day5.counts['KT.GRANT.REDELEGATION']).toEqual({ pass: 1, fail: 1, notApplicable: 0 });
  });

  it('reports as of a global position: the alias made before the key was disabled', async () => {
    const [created] = await h.kms.events((e) => e.type === 'AliasCreated');
    const [disabled] = await h.kms.events((e) => e.type === 'KeyDisabled' && e.stream === `kmskey-${h.k2.keyId}`);
    const before = await h.reports.report({ asOf: { position: created!.position }, settings: SETTINGS });
    const after = await h.reports.report({ asOf: { position: disabled!.position }, settings: SETTINGS });
    expect(before.asOf).toEqual({ time: day(10), position: `${created!.position.commit}/${created!.position.prepare}` });
    expect(resultOf(before, 'KT.KEY.DISABLED_ALIASED', h.k2.keyId).status).toBe('PASS');
    expect(resultOf(after, 'KT.KEY.DISABLED_ALIASED', h.k2.keyId)).toMatchObject({ status: 'FAIL', since: day(10, 1) });
  });

  it('keeps to one account when asked, and takes other limits for one report', async () => {
    const b = await h.reports.report({ asOf: { time: day(25) }, accountId: ACCOUNT_B, settings: SETTINGS });
    expect(b.results.map((r) => [r.controlId, r.resource.id])).toEqual([['KMS.2', ACCOUNT_B]]);
    expect(b.accountId).toBe(ACCOUNT_B);
    const lenient = await h.reports.report({ asOf: { time: day(25) }, settings: { ...SETTINGS, grantMaxAgeDays: 30 } });
    expect(lenient.settings.grantMaxAgeDays).toBe(30);
    expect(resultOf(lenient, 'KT.GRANT.AGE', h.k1.keyId).status).toBe('PASS');
    await expect(h.reports.report({ settings: { unusedKeyDays: 0 } })).rejects.toThrow(RangeError);
  });
});

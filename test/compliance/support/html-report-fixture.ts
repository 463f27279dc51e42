import type { ComplianceReport, ControlDefinition, ControlResult, ControlStatus, Evidence, StatusCounts, TimelinePoint } from '../../../src/application/compliance/report-model.js';

/** Markup a key description, an alias or a policy name may carry; the report must show it as text. */
export const HOSTILE = `<script>alert("pwned")</script>`;
/** A value that would break out of a double-quoted attribute if it were not escaped. */
export const ATTRIBUTE_BREAKER = `x" onmouseover="alert(1)`;

const ACCOUNT = '111122223333';
const keyArn = (id: string) => `arn:aws:kms:us-east-1:${ACCOUNT}:key/${id}`;
const key = (id: string) => ({ type: 'AWS::KMS::Key' as const, id, arn: keyArn(id), accountId: ACCOUNT, region: 'us-east-1' });
const account = { type: 'AWS::::Account' as const, id: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT };

const evidence = (stream: string, revision: number, time: string, type: string, position: string, what: string): Evidence => ({ what, citation: { stream, revision, time, type, position } });

const CONTROLS: ControlDefinition[] = [
  { id: 'KMS.4', title: 'Automatic key rotation is enabled', references: ['AWS Security Hub KMS.4', 'CIS AWS Foundations 3.6', 'PCI DSS 3.6.4'], scope: 'key', description: 'Automatic rotation is on and the last rotation is within the cryptoperiod.' },
  { id: 'KMS.3', title: 'Keys are not scheduled for deletion', references: ['AWS Security Hub KMS.3'], scope: 'key', description: 'No key is pending deletion.' },
  { id: 'KMS.5', title: 'Key policies are not public', references: ['AWS Security Hub KMS.5'], scope: 'key', description: `A policy with Principal "*" has a restricting condition. ${HOSTILE}` },
  { id: 'KMS.1', title: 'Identity policies do not allow decryption with all keys', references: [], scope: 'account', description: 'No identity policy allows kms:Decrypt on "*".' },
];

const K1 = 'k1-0000-0000-0000-000000000001';
const K2 = 'k2-0000-0000-0000-000000000002';
const K3 = 'k3-0000-0000-0000-000000000003';

const RESULTS: ControlResult[] = [
  {
    controlId: 'KMS.4',
    resource: key(K1),
    status: 'FAIL',
    since: '2026-03-01T10:10:00.000Z',
    reason: 'automatic rotation is disabled',
    details: { rotationEnabled: false, description: HOSTILE },
    evidence: [evidence(`kmskey-${K1}`, 0, '2026-03-01T10:10:00.000Z', 'KeyCreated', '5/5', `key created by arn:aws:iam::${ACCOUNT}:root with description ${HOSTILE}`)],
  },
  { controlId: 'KMS.4', resource: key(K2), status: 'PASS', since: '2026-03-01T11:00:00.000Z', reason: 'rotation enabled; last rotation 12 days ago (limit 365)', details: {}, evidence: [evidence(`kmskey-${K2}`, 1, '2026-03-01T11:00:00.000Z', 'KeyRotationEnabled', '9/9', 'rotation enabled by alice')] },
  { controlId: 'KMS.4', resource: key(K3), status: 'NOT_APPLICABLE', since: null, reason: 'the key is deleted', details: {}, evidence: [] },
  {
    controlId: 'KMS.3',
    resource: key(K1),
    status: 'FAIL',
    since: '2026-03-01T12:00:00.000Z',
    reason: 'scheduled for deletion on 2026-03-08T12:00:00.000Z',
    details: { scheduledBy: `arn:aws:iam::${ACCOUNT}:user/${ATTRIBUTE_BREAKER}`, deletionDate: '2026-03-08T12:00:00.000Z', pendingWindowInDays: 7 },
    evidence: [
      evidence(`kmskey-${K1}`, 0, '2026-03-01T10:10:00.000Z', 'KeyCreated', '5/5', 'key created'),
      evidence(`kmskey-${K1}`, 4, '2026-03-01T12:00:00.000Z', 'KeyDeletionScheduled', '20/20', `deletion scheduled by arn:aws:iam::${ACCOUNT}:user/${ATTRIBUTE_BREAKER}`),
    ],
  },
  { controlId: 'KMS.3', resource: key(K2), status: 'PASS', since: null, reason: 'not scheduled for deletion', details: {}, evidence: [evidence(`kmskey-${K2}`, 0, '2026-03-01T10:50:00.000Z', 'KeyCreated', '8/8', 'key created')] },
  {
    controlId: 'KMS.5',
    resource: key(K2),
    status: 'FAIL',
    since: '2026-03-01T11:30:00.000Z',
    reason: `statement ${HOSTILE} allows Principal "*" without a condition`,
    details: { policyName: HOSTILE, statements: [HOSTILE, 'Open'], principal: { AWS: '*' } },
    evidence: [evidence(`kmskey-${K2}`, 2, '2026-03-01T11:30:00.000Z', 'PolicyPut', '12/12', `policy ${HOSTILE} put by alice`)],
  },
  { controlId: 'KMS.5', resource: key(K1), status: 'PASS', since: '2026-03-01T10:10:00.000Z', reason: 'no public statement', details: {}, evidence: [evidence(`kmskey-${K1}`, 1, '2026-03-01T10:10:00.000Z', 'PolicyPut', '6/6', 'default policy put')] },
  { controlId: 'KMS.1', resource: account, status: 'PASS', since: null, reason: 'no identity policy allows kms:Decrypt on all keys', details: {}, evidence: [] },
];

const count = (results: readonly ControlResult[], status: ControlStatus) => results.filter((r) => r.status === status).length;
const countsOf = (results: readonly ControlResult[]): StatusCounts => ({ pass: count(results, 'PASS'), fail: count(results, 'FAIL'), notApplicable: count(results, 'NOT_APPLICABLE') });
const point = (time: string, counts: Record<string, [number, number, number]>): TimelinePoint => ({
  time,
  counts: Object.fromEntries(Object.entries(counts).map(([id, [pass, fail, notApplicable]]) => [id, { pass, fail, notApplicable }])),
});

/**
 * A report built by hand (no engine): three keys and one account, three failing results (one
 * per failing control, KMS.3 with two events of evidence), passing and not-applicable ones,
 * and values carrying markup. Summary and totals are counted from the results.
 */
export function htmlReportFixture(): ComplianceReport {
  return {
    reportVersion: 1,
    asOf: { time: '2026-03-02T00:00:00.000Z', position: '30/30' },
    accountId: ACCOUNT,
    settings: { cryptoperiodDays: 365, grantMaxAgeDays: 90, unusedKeyDays: 90 },
    controls: CONTROLS,
    summary: CONTROLS.map((c) => ({ controlId: c.id, ...countsOf(RESULTS.filter((r) => r.controlId === c.id)) })),
    totals: countsOf(RESULTS),
    results: RESULTS,
    timeline: [
      point('2026-03-01T10:10:00.000Z', { 'KMS.4': [0, 1, 0], 'KMS.3': [1, 0, 0], 'KMS.5': [1, 0, 0], 'KMS.1': [1, 0, 0] }),
      point('2026-03-01T11:00:00.000Z', { 'KMS.4': [1, 1, 0], 'KMS.3': [2, 0, 0], 'KMS.5': [2, 0, 0], 'KMS.1': [1, 0, 0] }),
      point('2026-03-01T11:30:00.000Z', { 'KMS.4': [1, 1, 0], 'KMS.3': [2, 0, 0], 'KMS.5': [1, 1, 0], 'KMS.1': [1, 0, 0] }),
      point('2026-03-01T12:00:00.000Z', { 'KMS.4': [1, 1, 1], 'KMS.3': [1, 1, 0], 'KMS.5': [1, 1, 0], 'KMS.1': [1, 0, 0] }),
      point('2026-03-02T00:00:00.000Z', { 'KMS.4': [1, 1, 1], 'KMS.3': [1, 1, 0], 'KMS.5': [1, 1, 0], 'KMS.1': [1, 0, 0] }),
    ],
  };
}

/** The same shape with no failure and a single-instant timeline. */
export function htmlAllPassingFixture(): ComplianceReport {
  const passing = RESULTS.filter((r) => r.status !== 'FAIL');
  return {
    ...htmlReportFixture(),
    accountId: null,
    asOf: { time: '2026-03-01T11:00:00.000Z' },
    summary: CONTROLS.map((c) => ({ controlId: c.id, ...countsOf(passing.filter((r) => r.controlId === c.id)) })),
    totals: countsOf(passing),
    results: passing,
    timeline: [point('2026-03-01T11:00:00.000Z', { 'KMS.4': [1, 0, 1], 'KMS.3': [1, 0, 0], 'KMS.5': [1, 0, 0], 'KMS.1': [1, 0, 0] })],
  };
}

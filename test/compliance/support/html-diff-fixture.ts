import type { ReportDiff } from '../../../src/application/compliance/report-model.js';
import { ATTRIBUTE_BREAKER, HOSTILE } from './html-report-fixture.js';

const ACCOUNT = '111122223333';
const K1 = 'k1-0000-0000-0000-000000000001';
const k1 = { type: 'AWS::KMS::Key' as const, id: K1, arn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/${K1}`, accountId: ACCOUNT, region: 'us-east-1' };
const citation = (revision: number, time: string, type: string, position: string) => ({ stream: `kmskey-${K1}`, revision, time, type, position });

/** A diff built by hand: one result that began to fail, one that stopped applying, and one key whose access changed. */
export function htmlDiffFixture(): ReportDiff {
  return {
    from: { time: '2026-03-01T00:00:00.000Z' },
    to: { time: '2026-03-02T00:00:00.000Z', position: '30/30' },
    accountId: ACCOUNT,
    controlChanges: [
      {
        controlId: 'KMS.3',
        resource: k1,
        before: 'PASS',
        after: 'FAIL',
        reasonBefore: 'not scheduled for deletion',
        reasonAfter: `scheduled for deletion by ${ATTRIBUTE_BREAKER}`,
        evidence: [{ what: `deletion scheduled by ${HOSTILE}`, citation: citation(4, '2026-03-01T12:00:00.000Z', 'KeyDeletionScheduled', '20/20') }],
      },
      { controlId: 'KMS.4', resource: k1, before: 'FAIL', after: null, reasonBefore: 'automatic rotation is disabled', reasonAfter: null, evidence: [] },
    ],
    totalsBefore: { pass: 5, fail: 1, notApplicable: 0 },
    totalsAfter: { pass: 4, fail: 1, notApplicable: 0 },
    access: [
      {
        keyId: K1,
        arn: k1.arn,
        events: [{ what: 'grant g1 created for bob: Decrypt', citation: citation(3, '2026-03-01T11:00:00.000Z', 'GrantCreated', '15/15') }],
        differences: [
          { change: 'gained', principal: 'arn:aws:iam::444455556666:user/bob', description: `user ${HOSTILE}`, operation: 'Decrypt', before: null, after: { outcome: 'Allow', keyStateAllows: true, because: ['grant g1'], conditions: [] } },
        ],
      },
    ],
  };
}

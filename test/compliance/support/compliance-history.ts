import { SqliteTemporalReadSide } from '../../../projections/temporal/temporal-read-side.js';
import { TimeTravelQueries } from '../../../src/application/audit/time-travel-queries.js';
import { CommandHandler } from '../../../src/application/command-handler.js';
import { bindCompliance } from '../../../src/application/compliance/bind-compliance.js';
import { ComplianceReports } from '../../../src/application/compliance/compliance-reports.js';
import type { ReportSettings } from '../../../src/application/compliance/report-model.js';
import { Clock } from '../../../src/application/ports/clock.js';
import type { IdentityCommand } from '../../../src/domain/identity/identity-commands.js';
import { createIdentityDirectory } from '../../../src/domain/identity/identity-directory.js';
import { identityDirectoryStream } from '../../../src/domain/identity/identity-stream.js';
import { ACCOUNT_A, ACCOUNT_B, ALICE, BOB, CAROL, KmsFixture, ROOT_A, START_TIME } from '../../application/kms/support/kms-fixture.js';

/** The instant `days` (and `minutes`) after the start of the script. */
export function day(days: number, minutes = 0): string {
  return new Date(Date.parse(START_TIME) + days * 86_400_000 + minutes * 60_000).toISOString();
}

/** Short limits, so that the script crosses each of them within weeks. */
export const SETTINGS: ReportSettings = { cryptoperiodDays: 30, grantMaxAgeDays: 10, unusedKeyDays: 20 };

const policy = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
export const ROOT_STATEMENT = { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT_A}:root` }, Action: 'kms:*', Resource: '*' };

export interface ComplianceHistory {
  readonly kms: KmsFixture;
  readonly reports: ComplianceReports;
  readonly readSide: SqliteTemporalReadSide;
  /** Rotation, grants, use and idleness, cryptoperiod. */
  readonly k1: { keyId: string; arn: string };
  /** No description; public policy; alias and disabled. */
  readonly k2: { keyId: string; arn: string };
  /** Locked out, then scheduled for deletion. */
  readonly k3: { keyId: string; arn: string };
  readonly bobGrant: string;
  readonly carolGrant: string;
  close(): Promise<void>;
}

/**
 * A history in which every control passes and fails at known times, made through the
 * real KMS operations and identity commands with a clock the script moves (days after
 * START_TIME, `day(d, minutes)`):
 *  d0    account A: alice with "Everything" (kms:* on *), carol; account B: bob
 *  d1    root creates K1 "payroll" (default policy); d1+1m K2 with no description
 *  d2    rotation enabled on K1                        d3    root encrypts with K1
 *  d4    grant to bob on K1: Decrypt, CreateGrant, no constraints
 *  d5    grant to carol on K1: Encrypt, only with Project=X
 *  d6    carol deleted
 *  d7    K2's policy: + Decrypt for "*" with no condition   d8  the same, only for kms:CallerAccount = A
 *  d9    K3 "locked" created; d9+1m its policy lets root Encrypt only (lockout check bypassed)
 *  d10   alias/k2 -> K2; d10+1m K2 disabled
 *  d11   alice's "Everything" replaced by Decrypt on K1 only
 *  d12   K3 scheduled for deletion (30 days)
 *  d20   bob's grant revoked                          d30   root encrypts with K1 again
 *  d40   K1 rotated on demand
 */
export async function complianceHistory(): Promise<ComplianceHistory> {
  const kms = new KmsFixture();
  const c = kms.container;
  c.bind<Clock>(Clock).toConstantValue({ now: () => new Date(kms.time) });
  bindCompliance(c);
  const readSide = c.get(SqliteTemporalReadSide);
  const identity = (command: IdentityCommand) =>
    c.get(CommandHandler).handle(createIdentityDirectory(), identityDirectoryStream(command.accountId), command, kms.context(ROOT_A, 'IdentitySetup'));

  kms.time = day(0);
  await kms.identity(ALICE, { Everything: policy([{ Sid: 'AllKms', Effect: 'Allow', Action: 'kms:*', Resource: '*' }]) });
  await kms.identity(CAROL);
  await kms.identity(BOB);

  kms.time = day(1);
  const k1 = await kms.createKey(ROOT_A, { Description: 'payroll' });
  kms.time = day(1, 1);
  const k2 = await kms.createKey(ROOT_A, {});
  kms.time = day(2);
  await kms.invoke(ROOT_A, 'EnableKeyRotation', { KeyId: k1.keyId });
  kms.time = day(3);
  await kms.invoke(ROOT_A, 'Encrypt', { KeyId: k1.keyId, Plaintext: new Uint8Array([1]) });
  kms.time = day(4);
  const bob = (await kms.invoke(ROOT_A, 'CreateGrant', { KeyId: k1.keyId, GranteePrincipal: BOB.arn, Operations: ['Decrypt', 'CreateGrant'] })) as { GrantId: string };
  kms.time = day(5);
  const carol = (await kms.invoke(ROOT_A, 'CreateGrant', {
    KeyId: k1.keyId,
    GranteePrincipal: CAROL.arn,
    Operations: ['Encrypt'],
    Constraints: { EncryptionContextSubset: { Project: 'X' } },
  })) as { GrantId: string };
  kms.time = day(6);
  await identity({ type: 'DeletePrincipal', accountId: ACCOUNT_A, principalType: 'User', name: 'carol' });
  kms.time = day(7);
  const publicDecrypt = { Sid: 'Open', Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*' };
  await kms.invoke(ROOT_A, 'PutKeyPolicy', { KeyId: k2.keyId, PolicyName: 'default', Policy: policy([ROOT_STATEMENT, publicDecrypt]) });
  kms.time = day(8);
  const restricted = { ...publicDecrypt, Condition: { StringEquals: { 'kms:CallerAccount': ACCOUNT_A } } };
  await kms.invoke(ROOT_A, 'PutKeyPolicy', { KeyId: k2.keyId, PolicyName: 'default', Policy: policy([ROOT_STATEMENT, restricted]) });
  kms.time = day(9);
  const k3 = await kms.createKey(ROOT_A, { Description: 'locked' });
  kms.time = day(9, 1);
  const encryptOnly = { Sid: 'EncryptOnly', Effect: 'Allow', Principal: { AWS: ROOT_A.arn }, Action: ['kms:Encrypt', 'kms:ScheduleKeyDeletion'], Resource: '*' };
  await kms.invoke(ROOT_A, 'PutKeyPolicy', { KeyId: k3.keyId, PolicyName: 'default', Policy: policy([encryptOnly]), BypassPolicyLockoutSafetyCheck: true });
  kms.time = day(10);
  await kms.invoke(ROOT_A, 'CreateAlias', { AliasName: 'alias/k2', TargetKeyId: k2.keyId });
  kms.time = day(10, 1);
  await kms.invoke(ROOT_A, 'DisableKey', { KeyId: k2.keyId });
  kms.time = day(11);
  await identity({
    type: 'PutIdentityPolicy',
    accountId: ACCOUNT_A,
    principalType: 'User',
    principalName: 'alice',
    policyName: 'Everything',
    policyDocument: policy([{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: k1.arn }]),
  });
  kms.time = day(12);
  await kms.invoke(ROOT_A, 'ScheduleKeyDeletion', { KeyId: k3.keyId, PendingWindowInDays: 30 });
  kms.time = day(20);
  await kms.invoke(ROOT_A, 'RevokeGrant', { KeyId: k1.keyId, GrantId: bob.GrantId });
  kms.time = day(30);
  await kms.invoke(ROOT_A, 'Encrypt', { KeyId: k1.keyId, Plaintext: new Uint8Array([2]) });
  kms.time = day(40);
  await kms.invoke(ROOT_A, 'RotateKeyOnDemand', { KeyId: k1.keyId });
  kms.time = day(50);

  return {
    kms,
    reports: c.get(ComplianceReports),
    readSide,
    k1,
    k2,
    k3,
    bobGrant: bob.GrantId,
    carolGrant: carol.GrantId,
    async close() {
      await readSide.stop();
      await kms.close();
    },
  };
}

export { ACCOUNT_A, ACCOUNT_B, ALICE, BOB, CAROL, ROOT_A, TimeTravelQueries };

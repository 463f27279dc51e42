import { SqliteTemporalReadSide } from '../../../../projections/temporal/temporal-read-side.js';
import { AliasRegistryService } from '../../../../src/application/alias/alias-registry-service.js';
import { TimeTravelQueries } from '../../../../src/application/audit/time-travel-queries.js';
import { CommandHandler } from '../../../../src/application/command-handler.js';
import { Clock } from '../../../../src/application/ports/clock.js';
import type { GlobalPosition } from '../../../../src/application/ports/event-store.js';
import type { CallContext } from '../../../../src/domain/call-context.js';
import { createIdentityDirectory } from '../../../../src/domain/identity/identity-directory.js';
import { identityDirectoryStream } from '../../../../src/domain/identity/identity-stream.js';
import { keyDecider, keyStream } from '../../../../src/domain/key/index.js';
import { ACCOUNT_A, ACCOUNT_B, ALICE, BOB, CAROL, KmsFixture, REGION, ROOT_A, START_TIME } from '../../kms/support/kms-fixture.js';

/** The instant `minutes` after the start of the script. */
export function at(minutes: number): string {
  return new Date(Date.parse(START_TIME) + minutes * 60_000).toISOString();
}

/** One millisecond before an instant: the last moment that does not see a change made at it. */
export function justBefore(time: string): string {
  return new Date(Date.parse(time) - 1).toISOString();
}

/** When the waiting period of K1's deletion ended and the key was deleted. */
export const DELETED_AT = at(110 + 7 * 24 * 60);

export const policy = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

export const ROOT_STATEMENT = { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT_A}:root` }, Action: 'kms:*', Resource: '*' };
export const FINANCE_DECRYPT = {
  Sid: 'FinanceDecrypt',
  Effect: 'Allow',
  Principal: { AWS: CAROL.arn },
  Action: 'kms:Decrypt',
  Resource: '*',
  Condition: { StringEquals: { 'kms:EncryptionContext:Department': 'Finance' } },
};
const USE_KEYS = policy([{ Sid: 'UseKeys', Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:DescribeKey'], Resource: '*' }]);
const ENCRYPT_ONLY = policy([{ Sid: 'EncryptOnly', Effect: 'Allow', Action: ['kms:Encrypt', 'kms:DescribeKey'], Resource: '*' }]);

export interface ScriptedHistory {
  readonly kms: KmsFixture;
  readonly queries: TimeTravelQueries;
  readonly readSide: SqliteTemporalReadSide;
  readonly k1: { keyId: string; arn: string };
  readonly k2: { keyId: string; arn: string };
  readonly grantId: string;
  /** The global position of the PolicyPut that replaced K1's policy at minute 30. */
  readonly policyReplacedAt: GlobalPosition;
  close(): Promise<void>;
}

/**
 * The history every time-travel test asks about, made through the real KMS operations
 * with a clock the script moves (minutes after START_TIME):
 *  0  account A with alice (UseKeys: Encrypt, Decrypt, DescribeKey) and carol (no policy); account B with bob
 * 10  root creates K1 (default key policy)            20  alias/payroll -> K1
 * 30  K1's policy replaced: + FinanceDecrypt for carol, only with Department=Finance
 * 40  grant G on K1 to bob: Decrypt, Encrypt, only with Project=X
 * 50  K1 disabled                                      60  K1 enabled
 * 70  grant G revoked                                  80  alice's UseKeys replaced by EncryptOnly
 * 90  K2 created; alias/payroll -> K2
 * 100 alice encrypts with K1 (Department=Finance); carol decrypts it; carol decrypts without context (denied)
 * 110 K1 scheduled for deletion (7 days)             DELETED_AT (7 days later) K1 deleted
 */
export async function scriptedHistory(): Promise<ScriptedHistory> {
  const kms = new KmsFixture();
  const c = kms.container;
  c.bind<Clock>(Clock).toConstantValue({ now: () => new Date(kms.time) });
  const readSide = c.get(SqliteTemporalReadSide);
  const commands = c.get(CommandHandler);
  const identity = (account: string, command: Parameters<typeof commands.handle>[2]) =>
    commands.handle(createIdentityDirectory(), identityDirectoryStream(account), command as never, kms.context(ROOT_A, 'IdentitySetup'));

  kms.time = at(0);
  await kms.identity(ALICE, { UseKeys: USE_KEYS });
  await kms.identity(CAROL);
  await kms.identity(BOB);

  kms.time = at(10);
  const k1 = await kms.createKey(ROOT_A, { Description: 'payroll' });
  kms.time = at(20);
  await kms.invoke(ROOT_A, 'CreateAlias', { AliasName: 'alias/payroll', TargetKeyId: k1.keyId });
  kms.time = at(30);
  await kms.invoke(ROOT_A, 'PutKeyPolicy', { KeyId: k1.keyId, PolicyName: 'default', Policy: policy([ROOT_STATEMENT, FINANCE_DECRYPT]) });
  const policyPut = (await kms.eventsOfLastCall()).find((e) => e.type === 'PolicyPut')!;
  kms.time = at(40);
  const grant = (await kms.invoke(ROOT_A, 'CreateGrant', {
    KeyId: k1.keyId,
    GranteePrincipal: BOB.arn,
    Operations: ['Decrypt', 'Encrypt'],
    Constraints: { EncryptionContextSubset: { Project: 'X' } },
  })) as { GrantId: string };
  kms.time = at(50);
  await kms.invoke(ROOT_A, 'DisableKey', { KeyId: k1.keyId });
  kms.time = at(60);
  await kms.invoke(ROOT_A, 'EnableKey', { KeyId: k1.keyId });
  kms.time = at(70);
  await kms.invoke(ROOT_A, 'RevokeGrant', { KeyId: k1.keyId, GrantId: grant.GrantId });
  kms.time = at(80);
  await identity(ACCOUNT_A, { type: 'PutIdentityPolicy', accountId: ACCOUNT_A, principalType: 'User', principalName: 'alice', policyName: 'UseKeys', policyDocument: ENCRYPT_ONLY });
  kms.time = at(90);
  const k2 = await kms.createKey(ROOT_A, { Description: 'payroll, second key' });
  await kms.invoke(ROOT_A, 'UpdateAlias', { AliasName: 'alias/payroll', TargetKeyId: k2.keyId });
  kms.time = at(100);
  const context = { Department: 'Finance' };
  const sealed = (await kms.invoke(ALICE, 'Encrypt', { KeyId: k1.keyId, Plaintext: new Uint8Array([1, 2, 3]), EncryptionContext: context })) as { CiphertextBlob: Uint8Array };
  await kms.invoke(CAROL, 'Decrypt', { CiphertextBlob: sealed.CiphertextBlob, EncryptionContext: context });
  await kms.errorOf(CAROL, 'Decrypt', { CiphertextBlob: sealed.CiphertextBlob });
  kms.time = at(110);
  await kms.invoke(ROOT_A, 'ScheduleKeyDeletion', { KeyId: k1.keyId, PendingWindowInDays: 7 });
  kms.time = DELETED_AT;
  const service: CallContext = {
    ...kms.context({ type: 'AWSService', principalId: 'kms.amazonaws.com', arn: 'kms.amazonaws.com', accountId: ACCOUNT_A, invokedBy: 'kms.amazonaws.com' }, 'DeleteKey'),
    eventType: 'AwsServiceEvent',
  };
  await commands.handle(keyDecider, keyStream(k1.keyId), { type: 'DeleteKey', keyId: k1.keyId, now: kms.time }, service);
  await c.get(AliasRegistryService).execute({ type: 'RemoveAliasesOfDeletedKey', accountId: ACCOUNT_A, region: REGION, keyId: k1.keyId }, service);

  return {
    kms,
    queries: c.get(TimeTravelQueries),
    readSide,
    k1,
    k2,
    grantId: grant.GrantId,
    policyReplacedAt: policyPut.position,
    async close() {
      await readSide.stop();
      await kms.close();
    },
  };
}

export { ACCOUNT_A, ACCOUNT_B, ALICE, BOB, CAROL, ROOT_A };

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteTemporalReadSide } from '../../../projections/temporal/temporal-read-side.js';
import { takesEncryptionContext, keyOperation } from '../../../src/application/audit/key-actions.js';
import type { TimeTravelQueries } from '../../../src/application/audit/time-travel-queries.js';
import { CommandHandler } from '../../../src/application/command-handler.js';
import { AccessControl } from '../../../src/application/kms/access-control.js';
import { KeyRepository } from '../../../src/application/kms/key-repository.js';
import { KmsCall } from '../../../src/application/kms/kms-call.js';
import type { CallerIdentity } from '../../../src/domain/call-context.js';
import { createIdentityDirectory } from '../../../src/domain/identity/identity-directory.js';
import { identityDirectoryStream } from '../../../src/domain/identity/identity-stream.js';
import { ACCOUNT_A, ALICE, AUDITOR_SESSION, BOB, CAROL, type KmsFixture, ROOT_A, ROOT_B } from '../kms/support/kms-fixture.js';
import { at, FINANCE_DECRYPT, policy, ROOT_STATEMENT } from './support/scripted-history.js';
import { temporalFixture } from './support/temporal-fixture.js';

const OFFICE_ONLY = policy([
  { Sid: 'FromOffice', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '192.0.2.0/24' } } },
]);
const AUDITOR = policy([{ Sid: 'Read', Effect: 'Allow', Action: ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:ListGrants'], Resource: '*' }]);
const NO_SALES = {
  Sid: 'NoSalesContext',
  Effect: 'Deny',
  Principal: '*',
  Action: 'kms:Decrypt',
  Resource: '*',
  Condition: { StringEquals: { 'kms:EncryptionContext:Department': 'Sales' } },
};

const CALLERS: readonly CallerIdentity[] = [ROOT_A, ALICE, CAROL, AUDITOR_SESSION, BOB, ROOT_B];
const OPERATIONS = ['Decrypt', 'Encrypt', 'GenerateDataKey', 'DescribeKey', 'GetKeyPolicy', 'PutKeyPolicy', 'CreateGrant', 'DisableKey'];
const CONTEXTS: readonly Record<string, string>[] = [{}, { Department: 'Finance' }, { Department: 'Sales' }, { Project: 'X' }];

describe('the answer at "now" from the temporal read models', () => {
  let kms: KmsFixture;
  let queries: TimeTravelQueries;

  beforeEach(async () => {
    ({ kms, queries } = temporalFixture());
  });
  afterEach(async () => {
    await kms.container.get(SqliteTemporalReadSide).stop();
    await kms.close();
  });

  /** Every caller, operation and encryption context: the live evaluator's decision and the temporal one, side by side. */
  async function compare(keyId: string): Promise<number> {
    const access = kms.container.get(AccessControl);
    const state = await kms.container.get(KeyRepository).load(keyId);
    if (state.status !== 'Live') throw new Error('the key must be live');
    let compared = 0;
    for (const caller of CALLERS) {
      for (const operation of OPERATIONS) {
        for (const encryptionContext of takesEncryptionContext(keyOperation(operation)) ? CONTEXTS : [{}]) {
          const call = new KmsCall(kms.context(caller, operation), operation, {});
          const facts = takesEncryptionContext(keyOperation(operation)) ? { encryptionContext, encryptionAlgorithm: 'SYMMETRIC_DEFAULT', grantTokens: [] } : {};
          const live = await access.decide(call, `kms:${operation}`, state.key, facts);
          const temporal = await queries.decide(keyId, caller, operation, { request: { encryptionContext, sourceIp: call.context.sourceIp, userAgent: call.context.userAgent } });
          const label = `${caller.arn} ${operation} ${JSON.stringify(encryptionContext)}`;
          expect([label, temporal.decision?.effect]).toEqual([label, live.effect]);
          expect([label, new Set(temporal.decision?.reasons.map((r) => JSON.stringify(r)))]).toEqual([label, new Set(live.reasons.map((r) => JSON.stringify(r)))]);
          compared++;
        }
      }
    }
    return compared;
  }

  it('equals the live evaluator\'s decision for the same request, through a changing history', async () => {
    kms.time = at(0);
    await kms.identity(ALICE, { Office: OFFICE_ONLY });
    await kms.identity(CAROL);
    await kms.identity(AUDITOR_SESSION, { Read: AUDITOR });
    await kms.identity(BOB);
    const { keyId } = await kms.createKey(ROOT_A);
    expect(await compare(keyId)).toBeGreaterThan(100);

    kms.time = at(10);
    await kms.invoke(ROOT_A, 'PutKeyPolicy', { KeyId: keyId, PolicyName: 'default', Policy: policy([ROOT_STATEMENT, FINANCE_DECRYPT, NO_SALES]) });
    const grant = (await kms.invoke(ROOT_A, 'CreateGrant', {
      KeyId: keyId,
      GranteePrincipal: BOB.arn,
      Operations: ['Decrypt', 'Encrypt'],
      Constraints: { EncryptionContextSubset: { Project: 'X' } },
    })) as { GrantId: string };
    await kms.invoke(ROOT_A, 'CreateAlias', { AliasName: 'alias/live', TargetKeyId: keyId });
    await compare(keyId);

    kms.time = at(20);
    await kms.invoke(ROOT_A, 'DisableKey', { KeyId: keyId });
    await kms.invoke(ROOT_A, 'RevokeGrant', { KeyId: keyId, GrantId: grant.GrantId });
    await kms.container
      .get(CommandHandler)
      .handle(createIdentityDirectory(), identityDirectoryStream(ACCOUNT_A), { type: 'DeleteIdentityPolicy', accountId: ACCOUNT_A, principalType: 'User', principalName: 'alice', policyName: 'Office' }, kms.context(ROOT_A, 'IdentitySetup'));
    await compare(keyId);
  });
});

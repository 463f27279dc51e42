import {
  CancelKeyDeletionCommand, CreateAliasCommand, CreateGrantCommand, CreateKeyCommand, DecryptCommand, DeleteAliasCommand,
  DescribeKeyCommand, DisableKeyCommand, DisableKeyRotationCommand, EnableKeyCommand, EnableKeyRotationCommand, EncryptCommand,
  GenerateDataKeyCommand, GenerateDataKeyWithoutPlaintextCommand, GenerateRandomCommand, GetKeyPolicyCommand,
  GetKeyRotationStatusCommand, ListAliasesCommand, ListGrantsCommand, ListKeyPoliciesCommand, ListKeyRotationsCommand,
  ListKeysCommand, ListResourceTagsCommand, ListRetirableGrantsCommand, PutKeyPolicyCommand, ReEncryptCommand,
  RetireGrantCommand, RevokeGrantCommand, RotateKeyOnDemandCommand, ScheduleKeyDeletionCommand, TagResourceCommand,
  UntagResourceCommand, UpdateAliasCommand, UpdateKeyDescriptionCommand, type KMSClient,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../src/application/cloudtrail/cloudtrail-record.js';
import { PRINCIPAL_EVENT_OF_OPERATION } from '../../src/application/cloudtrail/audit-events.js';
import { KMS_OPERATION_NAMES } from '../../src/infrastructure/http/model/kms-operation-names.js';
import { ACCOUNT_A, ACCOUNT_B, ALICE, ALL_KMS, BOB, REGION } from '../application/kms/support/kms-fixture.js';
import { KmsServer, sdkError } from '../e2e/support/kms-server.js';
import { replayAll } from './support/trail-fixture.js';

/** Every member of a record, in the order CloudTrail writes them. */
const AWS_FIELD_ORDER = [
  'eventVersion', 'userIdentity', 'eventTime', 'eventSource', 'eventName', 'awsRegion', 'sourceIPAddress', 'userAgent',
  'errorCode', 'errorMessage', 'requestParameters', 'responseElements', 'additionalEventData', 'requestID', 'eventID',
  'readOnly', 'resources', 'eventType', 'managementEvent', 'recipientAccountId', 'serviceEventDetails', 'eventCategory', 'tlsDetails',
];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const text = (s: string) => new TextEncoder().encode(s);
const keyResource = (arn: string, account = ACCOUNT_A) => ({ accountId: account, type: 'AWS::KMS::Key', ARN: arn });

interface Expected {
  readonly requestParameters: Record<string, unknown> | null;
  readonly responseElements: Record<string, unknown> | null;
  readonly readOnly: boolean;
  readonly resources: unknown[];
  readonly additionalEventData?: Record<string, unknown>;
}

describe('CloudTrail records of KMS calls made through the AWS SDK', () => {
  let server: KmsServer;
  let alice: KMSClient;
  let aliceKeyId: string;
  let records: CloudTrailRecord[];
  const calls: Array<{ operation: string; requestId: string; expected: Expected | null }> = [];
  let key = { keyId: '', arn: '' };
  let other = { keyId: '', arn: '' };

  async function call<T extends { $metadata: { requestId?: string } }>(operation: string, send: () => Promise<T>, expected: (out: T) => Expected): Promise<T> {
    const out = await send();
    calls.push({ operation, requestId: out.$metadata.requestId!, expected: expected(out) });
    return out;
  }

  beforeAll(async () => {
    server = await new KmsServer().start();
    await server.kms.identity(ALICE, { admin: ALL_KMS });
    await server.kms.identity(BOB);
    alice = server.client(ALICE);
    aliceKeyId = (await alice.config.credentials()).accessKeyId;
    const ctx = { purpose: 'payroll' };

    const created = await call('CreateKey', () => alice.send(new CreateKeyCommand({ Description: 'payroll', Tags: [{ TagKey: 'team', TagValue: 'pay' }] })), (out) => ({
      requestParameters: { description: 'payroll', tags: [{ tagKey: 'team', tagValue: 'pay' }] },
      responseElements: {
        keyMetadata: {
          AWSAccountId: ACCOUNT_A, keyId: out.KeyMetadata!.KeyId, arn: out.KeyMetadata!.Arn, creationDate: 'May 4, 2031, 12:00:00 PM',
          enabled: true, description: 'payroll', keyUsage: 'ENCRYPT_DECRYPT', keyState: 'Enabled', origin: 'AWS_KMS', keyManager: 'CUSTOMER',
          customerMasterKeySpec: 'SYMMETRIC_DEFAULT', keySpec: 'SYMMETRIC_DEFAULT', encryptionAlgorithms: ['SYMMETRIC_DEFAULT'], multiRegion: false,
        },
      },
      readOnly: false,
      resources: [keyResource(out.KeyMetadata!.Arn!)],
    }));
    key = { keyId: created.KeyMetadata!.KeyId!, arn: created.KeyMetadata!.Arn! };
    const second = await alice.send(new CreateKeyCommand({}));
    calls.push({ operation: 'CreateKey', requestId: second.$metadata.requestId!, expected: null });
    other = { keyId: second.KeyMetadata!.KeyId!, arn: second.KeyMetadata!.Arn! };

    const onKey = (requestParameters: Record<string, unknown>, readOnly: boolean, responseElements: Record<string, unknown> | null = readOnly ? null : { keyId: key.arn }): Expected => ({
      requestParameters, responseElements, readOnly, resources: [keyResource(key.arn)],
    });
    await call('DescribeKey', () => alice.send(new DescribeKeyCommand({ KeyId: key.keyId })), () => onKey({ keyId: key.keyId }, true));
    await call('ListKeys', () => alice.send(new ListKeysCommand({ Limit: 10 })), () => ({ requestParameters: { limit: 10 }, responseElements: null, readOnly: true, resources: [] }));
    await call('DisableKey', () => alice.send(new DisableKeyCommand({ KeyId: key.keyId })), () => onKey({ keyId: key.keyId }, false));
    await call('EnableKey', () => alice.send(new EnableKeyCommand({ KeyId: key.arn })), () => onKey({ keyId: key.arn }, false));
    await call('UpdateKeyDescription', () => alice.send(new UpdateKeyDescriptionCommand({ KeyId: key.keyId, Description: 'payroll 2031' })), () =>
      onKey({ keyId: key.keyId, description: 'payroll 2031' }, false));
    await call('EnableKeyRotation', () => alice.send(new EnableKeyRotationCommand({ KeyId: key.keyId, RotationPeriodInDays: 180 })), () =>
      onKey({ keyId: key.keyId, rotationPeriodInDays: 180 }, false));
    await call('GetKeyRotationStatus', () => alice.send(new GetKeyRotationStatusCommand({ KeyId: key.keyId })), () => onKey({ keyId: key.keyId }, true));
    await call('DisableKeyRotation', () => alice.send(new DisableKeyRotationCommand({ KeyId: key.keyId })), () => onKey({ keyId: key.keyId }, false));
    await call('RotateKeyOnDemand', () => alice.send(new RotateKeyOnDemandCommand({ KeyId: key.keyId })), () => onKey({ keyId: key.keyId }, false, { keyId: key.keyId }));
    await call('ListKeyRotations', () => alice.send(new ListKeyRotationsCommand({ KeyId: key.keyId })), () => onKey({ keyId: key.keyId }, true));
    await call('ScheduleKeyDeletion', () => alice.send(new ScheduleKeyDeletionCommand({ KeyId: other.keyId, PendingWindowInDays: 7 })), () => ({
      requestParameters: { keyId: other.keyId, pendingWindowInDays: 7 },
      responseElements: { keyId: other.arn, keyState: 'PendingDeletion', deletionDate: 'May 11, 2031, 12:00:00 PM', pendingWindowInDays: 7 },
      readOnly: false,
      resources: [keyResource(other.arn)],
    }));
    await call('CancelKeyDeletion', () => alice.send(new CancelKeyDeletionCommand({ KeyId: other.keyId })), () => ({
      requestParameters: { keyId: other.keyId }, responseElements: { keyId: other.arn }, readOnly: false, resources: [keyResource(other.arn)],
    }));
    await alice.send(new EnableKeyCommand({ KeyId: other.keyId })).then((out) => calls.push({ operation: 'EnableKey', requestId: out.$metadata.requestId!, expected: null }));
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'Enable IAM policies', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT_A}:root` }, Action: 'kms:*', Resource: '*' }],
    });
    await call('PutKeyPolicy', () => alice.send(new PutKeyPolicyCommand({ KeyId: key.keyId, PolicyName: 'default', Policy: policy })), () =>
      onKey({ keyId: key.keyId, policyName: 'default', policy }, false));
    await call('GetKeyPolicy', () => alice.send(new GetKeyPolicyCommand({ KeyId: key.keyId, PolicyName: 'default' })), () => onKey({ keyId: key.keyId, policyName: 'default' }, true));
    await call('ListKeyPolicies', () => alice.send(new ListKeyPoliciesCommand({ KeyId: key.keyId })), () => onKey({ keyId: key.keyId }, true));
    const grant = await call('CreateGrant', () => alice.send(new CreateGrantCommand({
      KeyId: key.arn, GranteePrincipal: BOB.arn, RetiringPrincipal: ALICE.arn, Operations: ['Encrypt', 'Decrypt'], Constraints: { EncryptionContextSubset: ctx },
    })), (out) => ({
      requestParameters: { keyId: key.arn, granteePrincipal: BOB.arn, retiringPrincipal: ALICE.arn, operations: ['Encrypt', 'Decrypt'], constraints: { encryptionContextSubset: ctx } },
      responseElements: { grantId: out.GrantId, keyId: key.arn },
      readOnly: false,
      resources: [keyResource(key.arn)],
    }));
    const revocable = await alice.send(new CreateGrantCommand({ KeyId: key.keyId, GranteePrincipal: BOB.arn, Operations: ['Decrypt'] }));
    calls.push({ operation: 'CreateGrant', requestId: revocable.$metadata.requestId!, expected: null });
    await call('ListGrants', () => alice.send(new ListGrantsCommand({ KeyId: key.keyId, Limit: 5 })), () => onKey({ keyId: key.keyId, limit: 5 }, true));
    await call('ListRetirableGrants', () => alice.send(new ListRetirableGrantsCommand({ RetiringPrincipal: ALICE.arn })), () => ({
      requestParameters: { retiringPrincipal: ALICE.arn }, responseElements: null, readOnly: true, resources: [],
    }));
    await call('RetireGrant', () => alice.send(new RetireGrantCommand({ KeyId: key.arn, GrantId: grant.GrantId })), () => ({
      requestParameters: { keyId: key.arn, grantId: grant.GrantId }, responseElements: null, additionalEventData: { grantId: grant.GrantId }, readOnly: false, resources: [keyResource(key.arn)],
    }));
    await call('RevokeGrant', () => alice.send(new RevokeGrantCommand({ KeyId: key.keyId, GrantId: revocable.GrantId })), () =>
      onKey({ keyId: key.keyId, grantId: revocable.GrantId }, false));
    const aliasArn = `arn:aws:kms:${REGION}:${ACCOUNT_A}:alias/payroll`;
    await call('CreateAlias', () => alice.send(new CreateAliasCommand({ AliasName: 'alias/payroll', TargetKeyId: key.keyId })), () => ({
      requestParameters: { aliasName: 'alias/payroll', targetKeyId: key.keyId }, responseElements: { keyId: key.arn }, readOnly: false,
      resources: [keyResource(aliasArn), keyResource(key.arn)],
    }));
    await call('UpdateAlias', () => alice.send(new UpdateAliasCommand({ AliasName: 'alias/payroll', TargetKeyId: other.keyId })), () => ({
      requestParameters: { aliasName: 'alias/payroll', targetKeyId: other.keyId }, responseElements: { keyId: other.arn }, readOnly: false,
      resources: [keyResource(aliasArn), keyResource(other.arn)],
    }));
    await call('ListAliases', () => alice.send(new ListAliasesCommand({ KeyId: other.keyId })), () => ({
      requestParameters: { keyId: other.keyId }, responseElements: null, readOnly: true, resources: [keyResource(other.arn)],
    }));
    await call('DeleteAlias', () => alice.send(new DeleteAliasCommand({ AliasName: 'alias/payroll' })), () => ({
      requestParameters: { aliasName: 'alias/payroll' }, responseElements: { keyId: other.arn }, readOnly: false,
      resources: [keyResource(aliasArn), keyResource(other.arn)],
    }));
    await call('TagResource', () => alice.send(new TagResourceCommand({ KeyId: key.keyId, Tags: [{ TagKey: 'cost', TagValue: '42' }] })), () =>
      onKey({ keyId: key.keyId, tags: [{ tagKey: 'cost', tagValue: '42' }] }, false));
    await call('UntagResource', () => alice.send(new UntagResourceCommand({ KeyId: key.keyId, TagKeys: ['cost'] })), () =>
      onKey({ keyId: key.keyId, tagKeys: ['cost'] }, false));
    await call('ListResourceTags', () => alice.send(new ListResourceTagsCommand({ KeyId: key.keyId })), () => onKey({ keyId: key.keyId }, true));
    const encrypted = await call('Encrypt', () => alice.send(new EncryptCommand({ KeyId: key.keyId, Plaintext: text('salaries'), EncryptionContext: ctx })), () =>
      onKey({ keyId: key.keyId, encryptionContext: ctx, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' }, true));
    await call('Decrypt', () => alice.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob, EncryptionContext: ctx })), () =>
      onKey({ encryptionContext: ctx, encryptionAlgorithm: 'SYMMETRIC_DEFAULT', keyId: key.arn }, true));
    await call('ReEncrypt', () => alice.send(new ReEncryptCommand({
      CiphertextBlob: encrypted.CiphertextBlob, SourceEncryptionContext: ctx, DestinationKeyId: other.keyId, DestinationEncryptionContext: ctx,
    })), () => ({
      requestParameters: { sourceEncryptionContext: ctx, destinationKeyId: other.keyId, destinationEncryptionContext: ctx },
      responseElements: null, readOnly: true, resources: [keyResource(key.arn), keyResource(other.arn)],
    }));
    await call('GenerateDataKey', () => alice.send(new GenerateDataKeyCommand({ KeyId: key.keyId, KeySpec: 'AES_256', EncryptionContext: ctx })), () =>
      onKey({ keyId: key.keyId, keySpec: 'AES_256', encryptionContext: ctx }, true));
    await call('GenerateDataKeyWithoutPlaintext', () => alice.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: key.keyId, NumberOfBytes: 16 })), () =>
      onKey({ keyId: key.keyId, numberOfBytes: 16 }, true));
    await call('GenerateRandom', () => alice.send(new GenerateRandomCommand({ NumberOfBytes: 32 })), () => ({
      requestParameters: { numberOfBytes: 32 }, responseElements: null, readOnly: true, resources: [],
    }));

    // Failures and denials are calls too.
    const missing = '0badc0de-0000-4000-8000-000000000000';
    const notFound = await sdkError(alice.send(new DescribeKeyCommand({ KeyId: missing })));
    calls.push({ operation: 'DescribeKey', requestId: (notFound as unknown as { requestId: string }).requestId, expected: null });
    const denied = await sdkError(server.client(BOB).send(new EncryptCommand({ KeyId: key.arn, Plaintext: text('x') })));
    calls.push({ operation: 'Encrypt', requestId: (denied as unknown as { requestId: string }).requestId, expected: null });
    const invalid = await sdkError(alice.send(new GenerateRandomCommand({ NumberOfBytes: 5000 })));
    calls.push({ operation: 'GenerateRandom', requestId: (invalid as unknown as { requestId: string }).requestId, expected: null });

    records = await replayAll(server.kms.store);
  });
  afterAll(async () => {
    await server.close();
  });

  const recordOf = (requestId: string) => {
    const found = records.filter((r) => r.requestID === requestId);
    expect(found).toHaveLength(1);
    return found[0]!;
  };

  it('writes exactly one record per call, failures and denials included', () => {
    expect(records).toHaveLength(calls.length);
    expect(new Set(records.map((r) => r.eventID)).size).toBe(calls.length);
    expect(records.map((r) => r.requestID).sort()).toEqual(calls.map((c) => c.requestId).sort());
  });

  it('covers every operation the KMS endpoint serves', () => {
    const recorded = new Set(calls.filter((c) => c.expected !== null).map((c) => c.operation));
    expect([...recorded].sort()).toEqual([...KMS_OPERATION_NAMES].sort());
    // Every operation that can change something has an event that stands for its call.
    for (const operation of KMS_OPERATION_NAMES) {
      const changes = records.some((r) => r.eventName === operation && !r.readOnly && r.errorCode === undefined);
      if (changes) expect(PRINCIPAL_EVENT_OF_OPERATION[operation], operation).toBeDefined();
    }
  });

  it('gives each operation the record AWS documents, field by field', () => {
    for (const c of calls.filter((x) => x.expected !== null)) {
      const record = recordOf(c.requestId);
      const e = c.expected!;
      expect(record, c.operation).toEqual({
        eventVersion: '1.11',
        userIdentity: { type: 'IAMUser', principalId: ALICE.principalId, arn: ALICE.arn, accountId: ACCOUNT_A, accessKeyId: aliceKeyId, userName: 'alice' },
        eventTime: '2031-05-04T12:00:00Z',
        eventSource: 'kms.amazonaws.com',
        eventName: c.operation,
        awsRegion: REGION,
        sourceIPAddress: '127.0.0.1',
        userAgent: expect.stringContaining('aws-sdk-js'),
        requestParameters: e.requestParameters,
        responseElements: e.responseElements,
        ...(e.additionalEventData === undefined ? {} : { additionalEventData: e.additionalEventData }),
        requestID: c.requestId,
        eventID: expect.stringMatching(UUID),
        readOnly: e.readOnly,
        resources: e.resources,
        eventType: 'AwsApiCall',
        managementEvent: true,
        recipientAccountId: ACCOUNT_A,
        eventCategory: 'Management',
      });
      const order = Object.keys(record);
      expect(order, c.operation).toEqual(AWS_FIELD_ORDER.filter((f) => order.includes(f)));
    }
  });

  it('records failures with errorCode and errorMessage and no response elements', () => {
    const failures = calls.slice(-3).map((c) => recordOf(c.requestId));
    expect(failures.map((r) => [r.eventName, r.errorCode, r.responseElements])).toEqual([
      ['DescribeKey', 'NotFoundException', null],
      ['Encrypt', 'AccessDeniedException', null],
      ['GenerateRandom', 'ValidationException', null],
    ]);
    for (const r of failures) expect(r.errorMessage).toMatch(/\w/);
    const denial = failures[1]!;
    expect(denial.userIdentity).toMatchObject({ type: 'IAMUser', arn: BOB.arn, accountId: ACCOUNT_B });
    expect(denial.recipientAccountId).toBe(ACCOUNT_B);
    expect(denial.requestParameters).toEqual({ keyId: key.arn, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
  });

  it('never carries plaintext, ciphertext, data keys or grant tokens', () => {
    const all = JSON.stringify(records);
    for (const secret of ['plaintext', 'ciphertextBlob', 'grantToken', 'Plaintext', 'CiphertextBlob', 'GrantToken']) expect(all).not.toContain(`"${secret}"`);
  });
});

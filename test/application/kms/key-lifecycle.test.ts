import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT_A, KmsFixture, REGION, ROOT_A, START_TIME } from './support/kms-fixture.js';

describe('KMS key lifecycle operations', () => {
  let kms: KmsFixture;
  beforeEach(() => {
    kms = new KmsFixture();
  });
  afterEach(async () => {
    await kms.close();
  });

  it('CreateKey returns AWS KeyMetadata and records KeyCreated with the call', async () => {
    const out = await kms.invoke(ROOT_A, 'CreateKey', { Description: 'payroll', Tags: [{ TagKey: 'team', TagValue: 'finance' }] });
    const metadata = out['KeyMetadata'] as Record<string, unknown>;
    const keyId = metadata['KeyId'] as string;
    expect(metadata).toEqual({
      AWSAccountId: ACCOUNT_A,
      KeyId: keyId,
      Arn: `arn:aws:kms:${REGION}:${ACCOUNT_A}:key/${keyId}`,
      CreationDate: new Date(START_TIME),
      Enabled: true,
      Description: 'payroll',
      KeyUsage: 'ENCRYPT_DECRYPT',
      KeyState: 'Enabled',
      Origin: 'AWS_KMS',
      KeyManager: 'CUSTOMER',
      CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
      KeySpec: 'SYMMETRIC_DEFAULT',
      EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
      MultiRegion: false,
    });
    const events = await kms.eventsOfLastCall();
    expect(events.map((e) => e.type)).toEqual(['KeyCreated', 'PolicyPut', 'KeyTagged']);
    expect(events[0]!.metadata).toMatchObject({
      requestId: kms.lastCall!.requestId,
      eventId: kms.lastCall!.eventId,
      caller: ROOT_A,
      requestParameters: { description: 'payroll', tags: [{ tagKey: 'team', tagValue: 'finance' }] },
    });
  });

  it('DescribeKey accepts a key id, a key ARN, an alias name and an alias ARN', async () => {
    const { keyId, arn } = await kms.createKey();
    await kms.invoke(ROOT_A, 'CreateAlias', { AliasName: 'alias/payroll', TargetKeyId: keyId });
    for (const name of [keyId, arn, 'alias/payroll', `arn:aws:kms:${REGION}:${ACCOUNT_A}:alias/payroll`]) {
      const out = await kms.invoke(ROOT_A, 'DescribeKey', { KeyId: name });
      expect((out['KeyMetadata'] as { Arn: string }).Arn).toBe(arn);
    }
  });

  it('answers NotFoundException as AWS words it', async () => {
    const { keyId } = await kms.createKey();
    const missing = '0b7e2f1c-1111-4222-8333-944455556666';
    expect(await kms.errorOf(ROOT_A, 'DescribeKey', { KeyId: missing })).toEqual({
      code: 'NotFoundException',
      message: `Key 'arn:aws:kms:${REGION}:${ACCOUNT_A}:key/${missing}' does not exist`,
    });
    expect(await kms.errorOf(ROOT_A, 'DescribeKey', { KeyId: 'alias/nothing' })).toEqual({
      code: 'NotFoundException',
      message: `Alias arn:aws:kms:${REGION}:${ACCOUNT_A}:alias/nothing is not found.`,
    });
    // EnableKey takes no aliases: AWS calls the name an invalid key id.
    await kms.invoke(ROOT_A, 'CreateAlias', { AliasName: 'alias/k', TargetKeyId: keyId });
    expect(await kms.errorOf(ROOT_A, 'EnableKey', { KeyId: 'alias/k' })).toEqual({ code: 'NotFoundException', message: 'Invalid keyId alias/k' });
    expect(await kms.errorOf(ROOT_A, 'DescribeKey', { KeyId: 'not-a-key' })).toEqual({ code: 'NotFoundException', message: 'Invalid keyId not-a-key' });
    // A key of another Region does not exist here.
    expect((await kms.errorOf(ROOT_A, 'DescribeKey', { KeyId: `arn:aws:kms:us-east-1:${ACCOUNT_A}:key/${keyId}` })).code).toBe('NotFoundException');
  });

  it('DisableKey, EnableKey and UpdateKeyDescription change the key; no-ops leave one call record', async () => {
    const { keyId } = await kms.createKey();
    await kms.invoke(ROOT_A, 'DisableKey', { KeyId: keyId });
    expect(((await kms.invoke(ROOT_A, 'DescribeKey', { KeyId: keyId }))['KeyMetadata'] as Record<string, unknown>)).toMatchObject({
      Enabled: false,
      KeyState: 'Disabled',
    });
    await kms.invoke(ROOT_A, 'EnableKey', { KeyId: keyId });
    await kms.invoke(ROOT_A, 'UpdateKeyDescription', { KeyId: keyId, Description: 'renamed' });
    expect(((await kms.invoke(ROOT_A, 'DescribeKey', { KeyId: keyId }))['KeyMetadata'] as Record<string, unknown>)).toMatchObject({
      Enabled: true,
      Description: 'renamed',
    });

    await kms.invoke(ROOT_A, 'EnableKey', { KeyId: keyId });
    const records = await kms.eventsOfLastCall();
    expect(records.map((e) => e.type)).toEqual(['KmsCallRecorded']);
    expect(records[0]!.data).toMatchObject({ operation: 'EnableKey', errorCode: null, requestParameters: { keyId } });
  });

  it('schedules and cancels deletion with the outputs AWS gives', async () => {
    const { keyId, arn } = await kms.createKey();
    const scheduled = await kms.invoke(ROOT_A, 'ScheduleKeyDeletion', { KeyId: keyId, PendingWindowInDays: 7 });
    expect(scheduled).toEqual({ KeyId: arn, DeletionDate: new Date('2031-05-11T12:00:00.000Z'), KeyState: 'PendingDeletion', PendingWindowInDays: 7 });
    const described = (await kms.invoke(ROOT_A, 'DescribeKey', { KeyId: keyId }))['KeyMetadata'] as Record<string, unknown>;
    expect(described).toMatchObject({ KeyState: 'PendingDeletion', Enabled: false, DeletionDate: new Date('2031-05-11T12:00:00.000Z') });
    expect((await kms.errorOf(ROOT_A, 'Encrypt', { KeyId: keyId, Plaintext: Buffer.from('x') })).code).toBe('KMSInvalidStateException');
    expect((await kms.errorOf(ROOT_A, 'EnableKey', { KeyId: keyId })).code).toBe('KMSInvalidStateException');
    expect((await kms.errorOf(ROOT_A, 'ScheduleKeyDeletion', { KeyId: keyId, PendingWindowInDays: 3 })).code).toBe('KMSInvalidStateException');

    expect(await kms.invoke(ROOT_A, 'CancelKeyDeletion', { KeyId: keyId })).toEqual({ KeyId: arn });
    const after = (await kms.invoke(ROOT_A, 'DescribeKey', { KeyId: keyId }))['KeyMetadata'] as Record<string, unknown>;
    expect(after['KeyState']).toBe('Disabled');
    expect(after).not.toHaveProperty('DeletionDate');
    expect((await kms.errorOf(ROOT_A, 'CancelKeyDeletion', { KeyId: keyId })).code).toBe('KMSInvalidStateException');
    expect((await kms.errorOf(ROOT_A, 'ScheduleKeyDeletion', { KeyId: keyId, PendingWindowInDays: 3 })).code).toBe('ValidationException');
  });

  it('rotates on demand and on schedule settings, and reports rotations', async () => {
    const { keyId, arn } = await kms.createKey();
    expect(await kms.invoke(ROOT_A, 'GetKeyRotationStatus', { KeyId: keyId })).toEqual({ KeyId: arn, KeyRotationEnabled: false });
    await kms.invoke(ROOT_A, 'EnableKeyRotation', { KeyId: keyId, RotationPeriodInDays: 90 });
    expect(await kms.invoke(ROOT_A, 'GetKeyRotationStatus', { KeyId: keyId })).toEqual({
      KeyId: arn,
      KeyRotationEnabled: true,
      RotationPeriodInDays: 90,
      NextRotationDate: new Date('2031-08-02T12:00:00.000Z'),
    });
    expect(await kms.invoke(ROOT_A, 'RotateKeyOnDemand', { KeyId: keyId })).toEqual({ KeyId: keyId });
    kms.time = '2031-05-05T12:00:00.000Z';
    await kms.invoke(ROOT_A, 'RotateKeyOnDemand', { KeyId: keyId });
    const rotations = await kms.invoke(ROOT_A, 'ListKeyRotations', { KeyId: keyId, Limit: 1 });
    expect(rotations).toEqual({
      Rotations: [{ KeyId: keyId, RotationDate: new Date(START_TIME), RotationType: 'ON_DEMAND' }],
      Truncated: true,
      NextMarker: expect.any(String),
    });
    const rest = await kms.invoke(ROOT_A, 'ListKeyRotations', { KeyId: keyId, Marker: rotations['NextMarker'] });
    expect(rest).toEqual({ Rotations: [{ KeyId: keyId, RotationDate: new Date('2031-05-05T12:00:00.000Z'), RotationType: 'ON_DEMAND' }], Truncated: false });
    await kms.invoke(ROOT_A, 'DisableKeyRotation', { KeyId: keyId });
    expect(await kms.invoke(ROOT_A, 'GetKeyRotationStatus', { KeyId: keyId })).toEqual({ KeyId: arn, KeyRotationEnabled: false });
    await kms.invoke(ROOT_A, 'DisableKey', { KeyId: keyId });
    expect((await kms.errorOf(ROOT_A, 'RotateKeyOnDemand', { KeyId: keyId })).code).toBe('DisabledException');
    expect((await kms.errorOf(ROOT_A, 'EnableKeyRotation', { KeyId: keyId })).code).toBe('DisabledException');
  });

  it('GetKeyPolicy returns the default policy, PutKeyPolicy replaces it, ListKeyPolicies lists "default"', async () => {
    const { keyId } = await kms.createKey();
    const got = await kms.invoke(ROOT_A, 'GetKeyPolicy', { KeyId: keyId, PolicyName: 'default' });
    expect(got['PolicyName']).toBe('default');
    expect(JSON.parse(got['Policy'] as string)).toMatchObject({ Statement: [{ Principal: { AWS: `arn:aws:iam::${ACCOUNT_A}:root` }, Action: 'kms:*' }] });
    expect(await kms.invoke(ROOT_A, 'ListKeyPolicies', { KeyId: keyId })).toEqual({ PolicyNames: ['default'], Truncated: false });
    expect((await kms.errorOf(ROOT_A, 'GetKeyPolicy', { KeyId: keyId, PolicyName: 'other' })).code).toBe('NotFoundException');

    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'admins', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT_A}:root` }, Action: 'kms:*', Resource: '*' }],
    });
    await kms.invoke(ROOT_A, 'PutKeyPolicy', { KeyId: keyId, PolicyName: 'default', Policy: policy });
    expect((await kms.invoke(ROOT_A, 'GetKeyPolicy', { KeyId: keyId }))['Policy']).toBe(policy);
    expect((await kms.errorOf(ROOT_A, 'PutKeyPolicy', { KeyId: keyId, Policy: '{"Statement": 3}' })).code).toBe('MalformedPolicyDocumentException');
  });

  it('refuses a policy that would lock the caller out, unless the check is bypassed', async () => {
    const { keyId } = await kms.createKey();
    const lockout = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT_A}:root` }, Action: 'kms:Encrypt', Resource: '*' }],
    });
    expect(await kms.errorOf(ROOT_A, 'PutKeyPolicy', { KeyId: keyId, Policy: lockout })).toEqual({
      code: 'MalformedPolicyDocumentException',
      message: 'The new key policy will not allow you to update the key policy in the future.',
    });
    expect((await kms.errorOf(ROOT_A, 'CreateKey', { Policy: lockout })).code).toBe('MalformedPolicyDocumentException');
    await kms.invoke(ROOT_A, 'PutKeyPolicy', { KeyId: keyId, Policy: lockout, BypassPolicyLockoutSafetyCheck: true });
    expect((await kms.errorOf(ROOT_A, 'GetKeyPolicy', { KeyId: keyId })).code).toBe('AccessDeniedException');
  });

  it('tags keys, lists tags with pagination, untags', async () => {
    const { keyId } = await kms.createKey();
    await kms.invoke(ROOT_A, 'TagResource', { KeyId: keyId, Tags: [{ TagKey: 'a', TagValue: '1' }, { TagKey: 'b', TagValue: '2' }, { TagKey: 'c', TagValue: '3' }] });
    const first = await kms.invoke(ROOT_A, 'ListResourceTags', { KeyId: keyId, Limit: 2 });
    expect(first).toMatchObject({ Tags: [{ TagKey: 'a', TagValue: '1' }, { TagKey: 'b', TagValue: '2' }], Truncated: true });
    const second = await kms.invoke(ROOT_A, 'ListResourceTags', { KeyId: keyId, Limit: 2, Marker: first['NextMarker'] });
    expect(second).toEqual({ Tags: [{ TagKey: 'c', TagValue: '3' }], Truncated: false });
    await kms.invoke(ROOT_A, 'UntagResource', { KeyId: keyId, TagKeys: ['a', 'c'] });
    expect(await kms.invoke(ROOT_A, 'ListResourceTags', { KeyId: keyId })).toEqual({ Tags: [{ TagKey: 'b', TagValue: '2' }], Truncated: false });
    expect((await kms.errorOf(ROOT_A, 'TagResource', { KeyId: keyId, Tags: [{ TagKey: 'aws:x', TagValue: '1' }] })).code).toBe('TagException');
    expect((await kms.errorOf(ROOT_A, 'ListResourceTags', { KeyId: keyId, Marker: 'bogus' })).code).toBe('InvalidMarkerException');
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT_A, ACCOUNT_B, ALICE, ALL_KMS, AUDITOR_SESSION, BOB, CAROL, KmsFixture, ROOT_A, ROOT_B } from './support/kms-fixture.js';

const text = (s: string) => new Uint8Array(Buffer.from(s));

/** A key policy: the account's root administers the key; the given statements add to it. */
function keyPolicy(...statements: object[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT_A}:root` }, Action: 'kms:*', Resource: '*' },
      ...statements,
    ],
  });
}

describe('authorization of KMS calls', () => {
  let kms: KmsFixture;
  beforeEach(async () => {
    kms = new KmsFixture();
    await kms.identity(ALICE, { admin: ALL_KMS });
    await kms.identity(CAROL);
    await kms.identity(BOB, { 'use-a-keys': ALL_KMS });
  });
  afterEach(async () => {
    await kms.close();
  });

  it('lets an IAM user through the default key policy when an identity policy allows', async () => {
    const { keyId, arn } = await kms.createKey(ALICE);
    await kms.invoke(ALICE, 'Encrypt', { KeyId: keyId, Plaintext: text('x') });
    expect(await kms.errorOf(CAROL, 'Encrypt', { KeyId: keyId, Plaintext: text('x') })).toEqual({
      code: 'AccessDeniedException',
      message: `User: ${CAROL.arn} is not authorized to perform: kms:Encrypt on resource: ${arn} because no identity-based policy allows the kms:Encrypt action`,
    });
    expect((await kms.errorOf(CAROL, 'CreateKey')).code).toBe('AccessDeniedException');
    expect((await kms.errorOf(CAROL, 'ListKeys')).code).toBe('AccessDeniedException');
  });

  it('applies a role\'s identity policies to its sessions', async () => {
    const readOnly = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['kms:Describe*', 'kms:List*'], Resource: '*' }] });
    await kms.identity(AUDITOR_SESSION, { 'read-only': readOnly });
    const { keyId } = await kms.createKey();
    await kms.invoke(AUDITOR_SESSION, 'DescribeKey', { KeyId: keyId });
    await kms.invoke(AUDITOR_SESSION, 'ListKeys');
    expect(await kms.errorOf(AUDITOR_SESSION, 'Encrypt', { KeyId: keyId, Plaintext: text('x') })).toMatchObject({ code: 'AccessDeniedException' });
  });

  it('records a denied call once, with its error, and changes nothing', async () => {
    const { keyId, arn } = await kms.createKey();
    await kms.errorOf(CAROL, 'DisableKey', { KeyId: keyId });
    const records = await kms.eventsOfLastCall();
    expect(records).toHaveLength(1);
    expect(records[0]!.type).toBe('KmsCallRecorded');
    expect(records[0]!.data).toMatchObject({
      operation: 'DisableKey',
      readOnly: false,
      errorCode: 'AccessDeniedException',
      requestParameters: { keyId },
      resources: [{ ARN: arn, accountId: ACCOUNT_A, type: 'AWS::KMS::Key' }],
    });
    expect(records[0]!.metadata).toMatchObject({ caller: CAROL, eventType: 'AwsApiCall', operation: 'DisableKey' });
    expect(((await kms.invoke(ROOT_A, 'DescribeKey', { KeyId: keyId }))['KeyMetadata'] as { KeyState: string }).KeyState).toBe('Enabled');
  });

  it('honours an explicit Deny in the key policy over any Allow', async () => {
    const policy = keyPolicy({ Sid: 'no-alice-decrypt', Effect: 'Deny', Principal: { AWS: ALICE.arn }, Action: 'kms:Decrypt', Resource: '*' });
    const { keyId, arn } = await kms.createKey(ROOT_A, { Policy: policy });
    const blob = (await kms.invoke(ALICE, 'Encrypt', { KeyId: keyId, Plaintext: text('x') }))['CiphertextBlob'];
    expect(await kms.errorOf(ALICE, 'Decrypt', { CiphertextBlob: blob })).toEqual({
      code: 'AccessDeniedException',
      message: `User: ${ALICE.arn} is not authorized to perform: kms:Decrypt on resource: ${arn} with an explicit deny in a resource-based policy`,
    });
  });

  it('evaluates encryption context conditions of the key policy', async () => {
    const policy = keyPolicy({
      Effect: 'Allow',
      Principal: { AWS: CAROL.arn },
      Action: ['kms:Encrypt', 'kms:Decrypt'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:EncryptionContext:tenant': 'blue' } },
    });
    const { keyId } = await kms.createKey(ROOT_A, { Policy: policy });
    const blob = (await kms.invoke(CAROL, 'Encrypt', { KeyId: keyId, Plaintext: text('x'), EncryptionContext: { tenant: 'blue' } }))['CiphertextBlob'];
    await kms.invoke(CAROL, 'Decrypt', { CiphertextBlob: blob, EncryptionContext: { tenant: 'blue' } });
    expect((await kms.errorOf(CAROL, 'Encrypt', { KeyId: keyId, Plaintext: text('x'), EncryptionContext: { tenant: 'red' } })).code).toBe('AccessDeniedException');
  });

  it('allows cross-account use by key ARN when the key policy names the other account', async () => {
    const policy = keyPolicy({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT_B}:root` }, Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:DescribeKey'], Resource: '*' });
    const { keyId, arn } = await kms.createKey(ROOT_A, { Policy: policy });
    // By key id, Bob's own account is searched: there is no such key there.
    expect((await kms.errorOf(BOB, 'Encrypt', { KeyId: keyId, Plaintext: text('x') })).code).toBe('NotFoundException');
    const blob = (await kms.invoke(BOB, 'Encrypt', { KeyId: arn, Plaintext: text('shared') }))['CiphertextBlob'];
    expect(Buffer.from((await kms.invoke(BOB, 'Decrypt', { CiphertextBlob: blob }))['Plaintext'] as Uint8Array).toString()).toBe('shared');
    await kms.invoke(ROOT_B, 'DescribeKey', { KeyId: arn });
    // Operations that are not cross-account never reach another account's key.
    expect((await kms.errorOf(BOB, 'DisableKey', { KeyId: arn })).code).toBe('NotFoundException');
    // And a key whose policy does not name the account refuses it.
    const { arn: privateArn } = await kms.createKey();
    expect((await kms.errorOf(BOB, 'Encrypt', { KeyId: privateArn, Plaintext: text('x') })).code).toBe('AccessDeniedException');
  });

  it('grants allow their operations under their constraints; grant tokens are accepted; retire and revoke end them', async () => {
    const { keyId, arn } = await kms.createKey();
    const created = await kms.invoke(ROOT_A, 'CreateGrant', {
      KeyId: keyId,
      GranteePrincipal: CAROL.arn,
      RetiringPrincipal: ALICE.arn,
      Operations: ['Encrypt', 'Decrypt'],
      Constraints: { EncryptionContextSubset: { dept: 'hr' } },
      Name: 'carol-hr',
    });
    expect(created).toEqual({ GrantToken: expect.any(String), GrantId: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const grantEvents = await kms.eventsOfLastCall();
    expect(grantEvents.map((e) => e.type)).toEqual(['GrantCreated']);
    expect(JSON.stringify(grantEvents.map((e) => [e.data, e.metadata]))).not.toContain(created['GrantToken'] as string);

    const blob = (await kms.invoke(CAROL, 'Encrypt', { KeyId: keyId, Plaintext: text('x'), EncryptionContext: { dept: 'hr', extra: '1' } }))['CiphertextBlob'];
    expect((await kms.errorOf(CAROL, 'Encrypt', { KeyId: keyId, Plaintext: text('x'), EncryptionContext: { dept: 'it' } })).code).toBe('AccessDeniedException');
    expect((await kms.errorOf(CAROL, 'GenerateDataKey', { KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: { dept: 'hr' } })).code).toBe('AccessDeniedException');
    expect((await kms.errorOf(CAROL, 'Encrypt', { KeyId: keyId, Plaintext: text('x'), EncryptionContext: { dept: 'hr' }, GrantTokens: ['forged'] })).code).toBe(
      'InvalidGrantTokenException',
    );
    await kms.invoke(CAROL, 'Encrypt', { KeyId: keyId, Plaintext: text('x'), EncryptionContext: { dept: 'hr' }, GrantTokens: [created['GrantToken']] });

    // Idempotent: the same named grant again returns the same id and records no new grant.
    const again = await kms.invoke(ROOT_A, 'CreateGrant', {
      KeyId: keyId,
      GranteePrincipal: CAROL.arn,
      RetiringPrincipal: ALICE.arn,
      Operations: ['Decrypt', 'Encrypt'],
      Constraints: { EncryptionContextSubset: { dept: 'hr' } },
      Name: 'carol-hr',
    });
    expect(again['GrantId']).toBe(created['GrantId']);
    expect((await kms.eventsOfLastCall()).map((e) => e.type)).toEqual(['KmsCallRecorded']);

    const listed = await kms.invoke(ROOT_A, 'ListGrants', { KeyId: keyId });
    expect(listed).toEqual({
      Grants: [
        {
          KeyId: arn,
          GrantId: created['GrantId'],
          Name: 'carol-hr',
          CreationDate: new Date(kms.time),
          GranteePrincipal: CAROL.arn,
          RetiringPrincipal: ALICE.arn,
          IssuingAccount: `arn:aws:iam::${ACCOUNT_A}:root`,
          Operations: ['Encrypt', 'Decrypt'],
          Constraints: { EncryptionContextSubset: { dept: 'hr' } },
        },
      ],
      Truncated: false,
    });
    const retirable = await kms.invoke(ALICE, 'ListRetirableGrants', { RetiringPrincipal: ALICE.arn });
    expect((retirable['Grants'] as unknown[]).length).toBe(1);

    // Carol is neither the retiring principal nor allowed RetireGrant by the grant.
    expect((await kms.errorOf(CAROL, 'RetireGrant', { GrantToken: created['GrantToken'] })).code).toBe('AccessDeniedException');
    await kms.invoke(ALICE, 'RetireGrant', { GrantToken: created['GrantToken'] });
    expect((await kms.errorOf(CAROL, 'Decrypt', { CiphertextBlob: blob, EncryptionContext: { dept: 'hr', extra: '1' } })).code).toBe('AccessDeniedException');
    expect(await kms.invoke(ROOT_A, 'ListGrants', { KeyId: keyId })).toEqual({ Grants: [], Truncated: false });

    const second = await kms.invoke(ROOT_A, 'CreateGrant', { KeyId: arn, GranteePrincipal: CAROL.arn, Operations: ['DescribeKey'] });
    await kms.invoke(CAROL, 'DescribeKey', { KeyId: keyId });
    await kms.invoke(ROOT_A, 'RevokeGrant', { KeyId: keyId, GrantId: second['GrantId'] });
    expect((await kms.errorOf(CAROL, 'DescribeKey', { KeyId: keyId })).code).toBe('AccessDeniedException');
    expect((await kms.errorOf(ROOT_A, 'RevokeGrant', { KeyId: keyId, GrantId: second['GrantId'] })).code).toBe('NotFoundException');
    expect((await kms.errorOf(ROOT_A, 'RevokeGrant', { KeyId: keyId, GrantId: 'nope' })).code).toBe('InvalidGrantIdException');
    expect((await kms.errorOf(ROOT_A, 'CreateGrant', { KeyId: keyId, GranteePrincipal: CAROL.arn, Operations: ['Sign'] })).code).toBe('ValidationException');
  });

  it('a grant with CreateGrant re-delegates only narrower grants', async () => {
    const { keyId } = await kms.createKey();
    await kms.invoke(ROOT_A, 'CreateGrant', { KeyId: keyId, GranteePrincipal: CAROL.arn, Operations: ['Encrypt', 'CreateGrant'] });
    await kms.invoke(CAROL, 'CreateGrant', { KeyId: keyId, GranteePrincipal: ALICE.arn, Operations: ['Encrypt'] });
    expect((await kms.errorOf(CAROL, 'CreateGrant', { KeyId: keyId, GranteePrincipal: ALICE.arn, Operations: ['Decrypt'] })).code).toBe('AccessDeniedException');
  });

  it('lets the account that issued a grant retire it by key and grant id', async () => {
    const { keyId } = await kms.createKey();
    const { GrantId } = (await kms.invoke(ROOT_A, 'CreateGrant', { KeyId: keyId, GranteePrincipal: BOB.arn, Operations: ['Encrypt'] })) as { GrantId: string };
    expect((await kms.errorOf(BOB, 'RetireGrant', { KeyId: keyId, GrantId })).code).toBe('NotFoundException');
    await kms.invoke(ALICE, 'RetireGrant', { KeyId: keyId, GrantId });
    expect((await kms.errorOf(ALICE, 'RetireGrant', { KeyId: keyId, GrantId })).code).toBe('NotFoundException');
    expect((await kms.errorOf(ALICE, 'RetireGrant', { GrantId })).code).toBe('ValidationException');
  });
});

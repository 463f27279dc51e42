import { describe, expect, it } from 'vitest';
import { defaultPolicyFor } from '../../../src/domain/key/key-policy-language.js';
import { POLICY_LOCKOUT_MESSAGE } from '../../../src/domain/key/key-policy-rules.js';
import { ACCOUNT, CREATED, createKey, DELETED, keyCreated, NOW, POLICY, policyPut, REGION, spec } from './key-fixtures.js';

describe('CreateKey', () => {
  it('creates an enabled symmetric key with its ARN, backing key version 1 and the given policy', () => {
    spec.given([]).when(createKey()).then([keyCreated(), policyPut()]);
    const state = spec.given(CREATED).state();
    expect(state.status).toBe('Live');
    if (state.status !== 'Live') return;
    expect(state.key.arn).toBe(`arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`);
    expect(state.key.keyState).toBe('Enabled');
    expect(state.key.policy).toBe(POLICY);
    expect(state.key.backingKeys).toEqual([{ backingKeyId: 'bk-1', version: 1, createdAt: NOW, rotationType: null }]);
  });

  it('attaches the default key policy for the account when none is given', () => {
    spec
      .given([])
      .when(createKey({ policy: undefined, lockoutCheckPassed: undefined }))
      .then([keyCreated(), policyPut(defaultPolicyFor(ACCOUNT), { defaultPolicy: true })]);
  });

  it('records a description and tags given at creation', () => {
    spec
      .given([])
      .when(createKey({ description: 'orders', tags: [{ tagKey: 'team', tagValue: 'payments' }] }))
      .then([
        keyCreated({ description: 'orders' }),
        policyPut(),
        { type: 'KeyTagged', data: { keyId: keyCreated().data.keyId, tags: [{ tagKey: 'team', tagValue: 'payments' }] } },
      ]);
  });

  it('accepts the supported values spelled out', () => {
    spec
      .given([])
      .when(createKey({ keyUsage: 'ENCRYPT_DECRYPT', keySpec: 'SYMMETRIC_DEFAULT', origin: 'AWS_KMS', multiRegion: false }))
      .then(CREATED);
  });

  it('accepts a description of 8192 characters and refuses 8193', () => {
    const longest = 'd'.repeat(8192);
    spec.given([]).when(createKey({ description: longest })).then([keyCreated({ description: longest }), policyPut()]);
    spec.given([]).when(createKey({ description: `${longest}d` })).thenFails('ValidationException', /8192/);
  });

  it('refuses a key id that is not a UUID', () => {
    spec.given([]).when(createKey({ keyId: 'not-a-uuid' })).thenFails('ValidationException');
  });

  it('refuses an empty backing key id', () => {
    spec.given([]).when(createKey({ backingKeyId: '' })).thenFails('ValidationException');
  });

  it.each([
    ['keyUsage', 'SIGN_VERIFY'],
    ['keySpec', 'RSA_2048'],
    ['keySpec', 'HMAC_256'],
    ['origin', 'EXTERNAL'],
    ['origin', 'AWS_CLOUDHSM'],
  ])('answers UnsupportedOperationException for the real but unsupported %s %s', (field, value) => {
    spec.given([]).when(createKey({ [field]: value })).thenFails('UnsupportedOperationException', value);
  });

  it.each([
    ['keyUsage', 'ENCRYPT'],
    ['keySpec', 'AES_256'],
    ['origin', 'SOMEWHERE'],
  ])('answers ValidationException for the unknown %s %s', (field, value) => {
    spec.given([]).when(createKey({ [field]: value })).thenFails('ValidationException', value);
  });

  it('refuses multi-Region keys', () => {
    spec.given([]).when(createKey({ multiRegion: true })).thenFails('UnsupportedOperationException');
  });

  it('refuses a policy that fails the lockout safety check, with AWS message', () => {
    spec.given([]).when(createKey({ lockoutCheckPassed: false })).thenFails('MalformedPolicyDocumentException', POLICY_LOCKOUT_MESSAGE);
    spec.given([]).when(createKey({ lockoutCheckPassed: undefined })).thenFails('MalformedPolicyDocumentException');
  });

  it('accepts such a policy when the caller bypasses the check', () => {
    spec
      .given([])
      .when(createKey({ lockoutCheckPassed: false, bypassPolicyLockoutSafetyCheck: true }))
      .then([keyCreated(), policyPut(POLICY, { bypassPolicyLockoutSafetyCheck: true })]);
  });

  it('refuses a malformed policy and one over the 32 KB quota', () => {
    spec.given([]).when(createKey({ policy: '{"Statement": [' })).thenFails('MalformedPolicyDocumentException');
    spec.given([]).when(createKey({ policy: POLICY.padEnd(32_769, ' ') })).thenFails('LimitExceededException');
  });

  it('refuses invalid tags with TagException', () => {
    spec.given([]).when(createKey({ tags: [{ tagKey: 'aws:owner', tagValue: 'x' }] })).thenFails('TagException');
  });

  it('refuses a key id that already exists, or existed', () => {
    spec.given(CREATED).when(createKey()).thenFails('AlreadyExistsException');
    spec.given(DELETED).when(createKey()).thenFails('AlreadyExistsException');
  });
});

import { describe, expect, it } from 'vitest';
import type { PutKeyPolicy } from '../../../src/domain/key/key-commands.js';
import { POLICY_LOCKOUT_MESSAGE } from '../../../src/domain/key/key-policy-rules.js';
import { ACCOUNT, CREATED, DISABLED, KEY_ID, PENDING_DELETION, policyPut, spec } from './key-fixtures.js';

const NEW_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Admins', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/admin` }, Action: 'kms:*', Resource: '*' },
  ],
});

function put(overrides: Partial<PutKeyPolicy> = {}): PutKeyPolicy {
  return { type: 'PutKeyPolicy', keyId: KEY_ID, policyName: 'default', policy: NEW_POLICY, lockoutCheckPassed: true, ...overrides };
}

describe('PutKeyPolicy', () => {
  it('records the new policy text', () => {
    spec.given(CREATED).when(put()).then([policyPut(NEW_POLICY)]);
    const state = spec.given([...CREATED, policyPut(NEW_POLICY)]).state();
    expect(state.status === 'Live' && state.key.policy).toBe(NEW_POLICY);
  });

  it('takes "default" as the policy name when none is given', () => {
    spec.given(CREATED).when(put({ policyName: undefined })).then([policyPut(NEW_POLICY)]);
  });

  it('answers NotFoundException for any other policy name, ValidationException for an impossible one', () => {
    spec.given(CREATED).when(put({ policyName: 'custom' })).thenFails('NotFoundException', 'custom');
    spec.given(CREATED).when(put({ policyName: 'not a name' })).thenFails('ValidationException');
  });

  it('runs in every key state, pending deletion included', () => {
    spec.given(DISABLED).when(put()).then([policyPut(NEW_POLICY)]);
    spec.given(PENDING_DELETION).when(put()).then([policyPut(NEW_POLICY)]);
  });

  it('changes nothing when the policy is the one the key has', () => {
    spec.given([...CREATED, policyPut(NEW_POLICY)]).when(put()).thenNothing();
  });

  it('refuses a policy that would lock the caller out, with AWS message, unless bypassed', () => {
    spec.given(CREATED).when(put({ lockoutCheckPassed: false })).thenFails('MalformedPolicyDocumentException', POLICY_LOCKOUT_MESSAGE);
    spec
      .given(CREATED)
      .when(put({ lockoutCheckPassed: false, bypassPolicyLockoutSafetyCheck: true }))
      .then([policyPut(NEW_POLICY, { bypassPolicyLockoutSafetyCheck: true })]);
  });

  it('accepts 32768 characters and answers LimitExceededException above', () => {
    const exactly = NEW_POLICY.padEnd(32_768, ' ');
    spec.given(CREATED).when(put({ policy: exactly })).then([policyPut(exactly)]);
    spec.given(CREATED).when(put({ policy: `${exactly} ` })).thenFails('LimitExceededException');
  });

  it('refuses a document that does not parse, one with characters outside Latin-1, and an empty one', () => {
    spec.given(CREATED).when(put({ policy: '{"Version": "2012-10-17",' })).thenFails('MalformedPolicyDocumentException');
    spec.given(CREATED).when(put({ policy: NEW_POLICY.replace('Admins', 'Admins\u2603') })).thenFails('MalformedPolicyDocumentException');
    spec.given(CREATED).when(put({ policy: '' })).thenFails('ValidationException');
  });

  it('answers NotFoundException for a key that does not exist', () => {
    spec.given([]).when(put()).thenFails('NotFoundException');
  });
});

import type { CreateGrant, CreateKey } from '../../../src/domain/key/key-commands.js';
import type { GrantCreated, KeyCreated, KeyEvent, PolicyPut } from '../../../src/domain/key/key-events.js';
import { keyArn } from '../../../src/domain/key/key-identity.js';
import { keyDecider } from '../../../src/domain/key/key-decider.js';
import { deciderSpec } from '../../support/decider-spec.js';

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';
export const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
export const ARN = keyArn(REGION, ACCOUNT, KEY_ID);
export const NOW = '2024-03-01T12:00:00.000Z';
export const CALLER = `arn:aws:iam::${ACCOUNT}:user/alice`;
export const GRANTEE = `arn:aws:iam::${ACCOUNT}:role/app`;

export const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Id: 'key-policy',
  Statement: [
    {
      Sid: 'Enable IAM policies',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Action: 'kms:*',
      Resource: '*',
    },
  ],
});

export const spec = deciderSpec(keyDecider);

export function createKey(overrides: Partial<CreateKey> = {}): CreateKey {
  return {
    type: 'CreateKey',
    keyId: KEY_ID,
    accountId: ACCOUNT,
    region: REGION,
    now: NOW,
    backingKeyId: 'bk-1',
    policy: POLICY,
    lockoutCheckPassed: true,
    ...overrides,
  };
}

export function keyCreated(overrides: Partial<KeyCreated['data']> = {}): KeyCreated {
  return {
    type: 'KeyCreated',
    data: {
      keyId: KEY_ID,
      arn: ARN,
      accountId: ACCOUNT,
      region: REGION,
      description: '',
      keyUsage: 'ENCRYPT_DECRYPT',
      keySpec: 'SYMMETRIC_DEFAULT',
      origin: 'AWS_KMS',
      keyManager: 'CUSTOMER',
      multiRegion: false,
      creationDate: NOW,
      backingKeyId: 'bk-1',
      ...overrides,
    },
  };
}

export function policyPut(policy = POLICY, overrides: Partial<PolicyPut['data']> = {}): PolicyPut {
  return {
    type: 'PolicyPut',
    data: { keyId: KEY_ID, policyName: 'default', policy, bypassPolicyLockoutSafetyCheck: false, defaultPolicy: false, ...overrides },
  };
}

/** What CreateKey with POLICY appends: a live, enabled key. */
export const CREATED: KeyEvent[] = [keyCreated(), policyPut()];

export const DISABLED: KeyEvent[] = [...CREATED, { type: 'KeyDisabled', data: { keyId: KEY_ID } }];

export const PENDING_DELETION: KeyEvent[] = [
  ...CREATED,
  {
    type: 'KeyDeletionScheduled',
    data: { keyId: KEY_ID, deletionDate: '2024-03-31T12:00:00.000Z', pendingWindowInDays: 30, keyStateBefore: 'Enabled' },
  },
];

export const DELETED: KeyEvent[] = [
  ...PENDING_DELETION,
  { type: 'KeyDeleted', data: { keyId: KEY_ID, deletionDate: '2024-03-31T12:00:00.000Z' } },
];

/** A distinct, valid 64-hex grant id for each n. */
export function grantId(n: number): string {
  return n.toString(16).padStart(64, '0');
}

export function createGrant(overrides: Partial<CreateGrant> = {}): CreateGrant {
  return {
    type: 'CreateGrant',
    keyId: KEY_ID,
    now: NOW,
    grantId: grantId(1),
    granteePrincipal: GRANTEE,
    operations: ['Encrypt', 'Decrypt'],
    issuingPrincipal: CALLER,
    issuingAccount: ACCOUNT,
    ...overrides,
  };
}

export function grantCreated(overrides: Partial<GrantCreated['data']> = {}): GrantCreated {
  return {
    type: 'GrantCreated',
    data: {
      keyId: KEY_ID,
      grantId: grantId(1),
      name: null,
      granteePrincipal: GRANTEE,
      retiringPrincipal: null,
      issuingPrincipal: CALLER,
      issuingAccount: ACCOUNT,
      operations: ['Encrypt', 'Decrypt'],
      constraints: null,
      creationDate: NOW,
      ...overrides,
    },
  };
}

import { describe, expect, it } from 'vitest';
import { authorize, defaultKeyPolicy, type KeyFacts } from '../../../src/domain/policy/index.js';
import { ACCOUNT, allowAllKms, identity, keyFromPolicy, keyWith, request, user } from './fixtures.js';

/**
 * The "Policy Evaluation" example of the KMS developer guide: key 1 lets the account use
 * it, key 2 names users A and C; A has no identity policy, B's allows every KMS action,
 * C's denies every KMS action.
 */
const key1: KeyFacts = keyFromPolicy(defaultKeyPolicy(ACCOUNT), { arn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/key-1`, keyId: 'key-1' });
const key2: KeyFacts = {
  ...keyWith([
    {
      Sid: 'Allow users A and C',
      Effect: 'Allow',
      Principal: { AWS: [`arn:aws:iam::${ACCOUNT}:user/A`, `arn:aws:iam::${ACCOUNT}:user/C`] },
      Action: 'kms:*',
      Resource: '*',
    },
  ]),
  arn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/key-2`,
  keyId: 'key-2',
};

const users = {
  A: { principal: user('A'), policies: [] },
  B: { principal: user('B'), policies: [identity('AllKms', [allowAllKms])] },
  C: { principal: user('C'), policies: [identity('NoKms', [{ Effect: 'Deny', Action: 'kms:*', Resource: '*' }])] },
};

describe('the guide\'s policy evaluation example', () => {
  it.each([
    // user, key, action, effect, explicit deny
    ['A', 'key1', 'kms:Encrypt', 'Deny', false],
    ['A', 'key2', 'kms:Encrypt', 'Allow', false],
    ['B', 'key1', 'kms:Encrypt', 'Allow', false],
    ['B', 'key2', 'kms:Encrypt', 'Deny', false],
    ['C', 'key1', 'kms:Encrypt', 'Deny', true],
    ['C', 'key2', 'kms:Encrypt', 'Deny', true],
    ['A', 'key2', 'kms:ScheduleKeyDeletion', 'Allow', false],
    ['B', 'key1', 'kms:PutKeyPolicy', 'Allow', false],
  ] as const)('user %s on %s for %s: %s', (who, keyName, action, effect, explicitDeny) => {
    const u = users[who];
    const key = keyName === 'key1' ? key1 : key2;
    const d = authorize(request({ action, caller: u.principal, identityPolicies: u.policies, key }));
    expect(d.effect).toBe(effect);
    expect(d.explicitDeny).toBe(explicitDeny);
  });

  it('explains why B cannot use key 2: the key policy does not delegate to the account', () => {
    const d = authorize(request({ action: 'kms:Encrypt', caller: users.B.principal, identityPolicies: users.B.policies, key: key2 }));
    expect(d.message).toBe(
      `User: arn:aws:iam::${ACCOUNT}:user/B is not authorized to perform: kms:Encrypt on resource: ${key2.arn} because no resource-based policy allows the kms:Encrypt action`,
    );
  });

  it('explains why A cannot use key 1: no identity policy of A allows it', () => {
    const d = authorize(request({ action: 'kms:Encrypt', caller: users.A.principal, key: key1 }));
    expect(d.message).toBe(
      `User: arn:aws:iam::${ACCOUNT}:user/A is not authorized to perform: kms:Encrypt on resource: ${key1.arn} because no identity-based policy allows the kms:Encrypt action`,
    );
    expect(d.reasons).toEqual([expect.objectContaining({ source: 'implicitDeny', missing: 'identity-based' })]);
  });

  it('explains C\'s explicit deny as coming from an identity-based policy, citing it', () => {
    const d = authorize(request({ action: 'kms:Encrypt', caller: users.C.principal, identityPolicies: users.C.policies, key: key2 }));
    expect(d.message).toMatch(/with an explicit deny in an identity-based policy$/);
    expect(d.reasons).toEqual([expect.objectContaining({ source: 'identityPolicy', policyName: 'NoKms', index: 0, effect: 'Deny' })]);
  });

  it('cites the key policy statement and the identity policy that together allow B on key 1', () => {
    const d = authorize(request({ action: 'kms:Encrypt', caller: users.B.principal, identityPolicies: users.B.policies, key: key1 }));
    expect(d.reasons).toEqual([
      expect.objectContaining({ source: 'keyPolicy', sid: 'Enable IAM User Permissions', index: 0, principalMatch: 'account' }),
      expect.objectContaining({ source: 'identityPolicy', policyName: 'AllKms', index: 0 }),
    ]);
  });
});

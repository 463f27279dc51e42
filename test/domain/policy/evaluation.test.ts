import { describe, expect, it } from 'vitest';
import { authorize, principalFromCaller, type Principal } from '../../../src/domain/policy/index.js';
import { ACCOUNT, allowAllKms, allowRootAll, identity, KEY_ARN, keyWith, OTHER, request, root, service, session, user } from './fixtures.js';

const alice = user('alice');
const bob = user('bob');
const aliceArn = alice.arn;

function effect(statements: readonly object[], caller: Principal, action = 'kms:Decrypt', identityStatements: readonly object[] = []): string {
  const identityPolicies = identityStatements.length === 0 ? [] : [identity('P', identityStatements)];
  return authorize(request({ action, caller, key: keyWith(statements), identityPolicies })).effect;
}

describe('actions', () => {
  it.each([
    ['kms:Create*', 'kms:CreateGrant', 'Allow'],
    ['kms:GenerateDataKey*', 'kms:GenerateDataKeyWithoutPlaintext', 'Allow'],
    ['kms:GenerateDataKey*', 'kms:Decrypt', 'Deny'],
    ['KMS:decrypt', 'kms:Decrypt', 'Allow'],
    ['kms:ReEncrypt*', 'kms:ReEncryptTo', 'Allow'],
    ['kms:?ncrypt', 'kms:Encrypt', 'Allow'],
    ['kms:?ncrypt', 'kms:Decrypt', 'Deny'],
    ['*', 'kms:ScheduleKeyDeletion', 'Allow'],
    ['s3:*', 'kms:Decrypt', 'Deny'],
  ])('Action %s on %s: %s', (pattern, action, expected) => {
    expect(effect([{ Effect: 'Allow', Principal: { AWS: aliceArn }, Action: pattern, Resource: '*' }], alice, action)).toBe(expected);
  });

  it('NotAction allows every action except those listed', () => {
    const s = [{ Effect: 'Allow', Principal: { AWS: aliceArn }, NotAction: ['kms:Delete*', 'kms:ScheduleKeyDeletion'], Resource: '*' }];
    expect(effect(s, alice, 'kms:Decrypt')).toBe('Allow');
    expect(effect(s, alice, 'kms:ScheduleKeyDeletion')).toBe('Deny');
    expect(effect(s, alice, 'kms:DeleteAlias')).toBe('Deny');
  });

  it('a Deny with NotAction denies everything else', () => {
    const s = [
      { Effect: 'Allow', Principal: { AWS: aliceArn }, Action: 'kms:*', Resource: '*' },
      { Effect: 'Deny', Principal: { AWS: aliceArn }, NotAction: 'kms:Describe*', Resource: '*' },
    ];
    expect(effect(s, alice, 'kms:DescribeKey')).toBe('Allow');
    expect(effect(s, alice, 'kms:Encrypt')).toBe('Deny');
  });
});

describe('resources', () => {
  it.each([
    ['*', 'Allow'],
    [KEY_ARN, 'Allow'],
    [`arn:aws:kms:*:${ACCOUNT}:key/*`, 'Allow'],
    [`arn:aws:kms:us-east-1:${ACCOUNT}:key/other`, 'Deny'],
    [`arn:aws:kms:us-east-1:${ACCOUNT}:alias/*`, 'Deny'],
  ])('Resource %s: %s', (resource, expected) => {
    expect(effect([{ Effect: 'Allow', Principal: { AWS: aliceArn }, Action: 'kms:*', Resource: resource }], alice)).toBe(expected);
  });

  it('NotResource applies to every resource except those listed', () => {
    expect(effect([{ Effect: 'Allow', Principal: { AWS: aliceArn }, Action: 'kms:*', NotResource: `arn:aws:kms:*:${ACCOUNT}:key/other` }], alice)).toBe('Allow');
    expect(effect([{ Effect: 'Allow', Principal: { AWS: aliceArn }, Action: 'kms:*', NotResource: KEY_ARN }], alice)).toBe('Deny');
  });

  it('identity policies scoped to other keys do not allow this one', () => {
    const s = [allowRootAll];
    expect(effect(s, alice, 'kms:Decrypt', [{ Effect: 'Allow', Action: 'kms:*', Resource: `arn:aws:kms:us-east-1:${ACCOUNT}:key/other` }])).toBe('Deny');
    expect(effect(s, alice, 'kms:Decrypt', [{ Effect: 'Allow', Action: 'kms:*', NotResource: `arn:aws:kms:us-east-1:${ACCOUNT}:key/other` }])).toBe('Allow');
  });
});

describe('principals', () => {
  it.each<[string, object | string, Principal, string]>([
    ['a user named directly', { AWS: aliceArn }, alice, 'Allow'],
    ['another user', { AWS: aliceArn }, bob, 'Deny'],
    ['everyone', '*', bob, 'Allow'],
    ['everyone via {"AWS": "*"}', { AWS: '*' }, bob, 'Allow'],
    ['the account root, for the root user', { AWS: `arn:aws:iam::${ACCOUNT}:root` }, root(), 'Allow'],
    ['the account by id, for the root user', { AWS: ACCOUNT }, root(), 'Allow'],
    ['the account, for a user without identity policy', { AWS: ACCOUNT }, alice, 'Deny'],
    ['a role, for its sessions', { AWS: `arn:aws:iam::${ACCOUNT}:role/Admin` }, session('Admin', 's1'), 'Allow'],
    ['a role, for sessions of another role', { AWS: `arn:aws:iam::${ACCOUNT}:role/Admin` }, session('Dev', 's1'), 'Deny'],
    ['one session, for that session', { AWS: `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/s1` }, session('Admin', 's1'), 'Allow'],
    ['one session, for another session', { AWS: `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/s1` }, session('Admin', 's2'), 'Deny'],
    ['a service principal', { Service: 'ec2.amazonaws.com' }, service('ec2.amazonaws.com'), 'Allow'],
    ['another service principal', { Service: 'ec2.amazonaws.com' }, service('rds.amazonaws.com'), 'Deny'],
  ])('%s', (_label, principal, caller, expected) => {
    expect(effect([{ Effect: 'Allow', Principal: principal, Action: 'kms:*', Resource: '*' }], caller)).toBe(expected);
  });

  it('a key-policy Deny naming the account denies every principal in it', () => {
    const s = [{ Effect: 'Allow', Principal: { AWS: aliceArn }, Action: 'kms:*', Resource: '*' }, { Effect: 'Deny', Principal: { AWS: ACCOUNT }, Action: 'kms:Decrypt', Resource: '*' }];
    expect(effect(s, alice)).toBe('Deny');
    expect(effect(s, alice, 'kms:Encrypt')).toBe('Allow');
  });

  describe('NotPrincipal', () => {
    const allowAll = { Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' };
    it.each<[string, string[], Principal, string]>([
      ['exempts a user listed with its account', [aliceArn, `arn:aws:iam::${ACCOUNT}:root`], alice, 'Allow'],
      ['still denies a user listed without its account', [aliceArn], alice, 'Deny'],
      ['denies users not listed', [aliceArn, `arn:aws:iam::${ACCOUNT}:root`], bob, 'Deny'],
      ['exempts the root user when its account is listed', [ACCOUNT], root(), 'Allow'],
      [
        'exempts a role session listed with its role and account',
        [`arn:aws:sts::${ACCOUNT}:assumed-role/Audit/app`, `arn:aws:iam::${ACCOUNT}:role/Audit`, `arn:aws:iam::${ACCOUNT}:root`],
        session('Audit', 'app'),
        'Allow',
      ],
      ['denies a role session listed without its role', [`arn:aws:sts::${ACCOUNT}:assumed-role/Audit/app`, `arn:aws:iam::${ACCOUNT}:root`], session('Audit', 'app'), 'Deny'],
    ])('with Deny %s', (_label, listed, caller, expected) => {
      expect(effect([allowAll, { Effect: 'Deny', NotPrincipal: { AWS: listed }, Action: 'kms:*', Resource: '*' }], caller)).toBe(expected);
    });

    it('with Allow gives access to everyone not listed', () => {
      const s = [{ Effect: 'Allow', NotPrincipal: { AWS: [aliceArn, ACCOUNT] }, Action: 'kms:Decrypt', Resource: '*' }];
      expect(effect(s, bob)).toBe('Allow');
      expect(effect(s, alice)).toBe('Deny');
    });
  });
});

describe('key policy and identity policies together', () => {
  it('an identity-policy Deny beats a key-policy Allow naming the user', () => {
    const d = authorize(
      request({
        caller: alice,
        key: keyWith([{ Sid: 'Alice', Effect: 'Allow', Principal: { AWS: aliceArn }, Action: 'kms:*', Resource: '*' }]),
        identityPolicies: [identity('Guard', [{ Sid: 'NoDecrypt', Effect: 'Deny', Action: 'kms:Decrypt', Resource: '*' }])],
      }),
    );
    expect(d).toMatchObject({ effect: 'Deny', explicitDeny: true });
    expect(d.reasons).toEqual([expect.objectContaining({ source: 'identityPolicy', policyName: 'Guard', sid: 'NoDecrypt', index: 0 })]);
    expect(d.message).toBe(`User: ${aliceArn} is not authorized to perform: kms:Decrypt on resource: ${KEY_ARN} with an explicit deny in an identity-based policy`);
  });

  it('a key-policy Deny beats an identity-policy Allow, and names the resource-based policy', () => {
    const d = authorize(
      request({
        caller: alice,
        key: keyWith([allowRootAll, { Sid: 'NoAlice', Effect: 'Deny', Principal: { AWS: aliceArn }, Action: 'kms:Decrypt', Resource: '*' }]),
        identityPolicies: [identity('All', [allowAllKms])],
      }),
    );
    expect(d.message).toMatch(/with an explicit deny in a resource-based policy$/);
    expect(d.reasons).toEqual([expect.objectContaining({ source: 'keyPolicy', sid: 'NoAlice', index: 1, effect: 'Deny' })]);
  });

  it('a Deny whose condition does not hold does not deny', () => {
    const s = [
      { Effect: 'Allow', Principal: { AWS: aliceArn }, Action: 'kms:*', Resource: '*' },
      { Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    ];
    expect(effect(s, alice)).toBe('Allow');
  });

  it('the root user needs no identity policy, and identity policies cannot restrict it', () => {
    expect(effect([allowRootAll], root())).toBe('Allow');
    const d = authorize(request({ caller: root(), key: keyWith([allowRootAll]) }));
    expect(d.reasons).toEqual([expect.objectContaining({ source: 'keyPolicy', principalMatch: 'direct' })]);
  });

  it('the root user is locked out when the key policy does not name the account', () => {
    expect(effect([{ Effect: 'Allow', Principal: { AWS: aliceArn }, Action: 'kms:*', Resource: '*' }], root())).toBe('Deny');
  });

  it('an identity-policy Allow alone does not open a key whose policy ignores the account', () => {
    expect(effect([{ Effect: 'Allow', Principal: { AWS: aliceArn }, Action: 'kms:*', Resource: '*' }], bob, 'kms:Decrypt', [allowAllKms])).toBe('Deny');
  });

  it('both halves of a delegated path carry their conditions', () => {
    const s = [{ ...allowRootAll, Condition: { StringEquals: { 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' } } }];
    const id = [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }];
    expect(authorize(request({ caller: alice, key: keyWith(s), identityPolicies: [identity('P', id)], context: { viaService: 'ec2.us-east-1.amazonaws.com', sourceIp: '203.0.113.5' } })).effect).toBe('Allow');
    expect(authorize(request({ caller: alice, key: keyWith(s), identityPolicies: [identity('P', id)], context: { viaService: 'ec2.us-east-1.amazonaws.com', sourceIp: '198.51.100.5' } })).effect).toBe('Deny');
    expect(authorize(request({ caller: alice, key: keyWith(s), identityPolicies: [identity('P', id)], context: { sourceIp: '203.0.113.5' } })).effect).toBe('Deny');
  });
});

describe('cross-account callers', () => {
  const outsider = user('carol', OTHER);
  const outsiderPolicy = identity('UseSharedKey', [{ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:Encrypt'], Resource: KEY_ARN }]);

  it.each<[string, object, boolean, string]>([
    ['the key policy names the other account and an identity policy allows', { AWS: `arn:aws:iam::${OTHER}:root` }, true, 'Allow'],
    ['the key policy names the other account but no identity policy allows', { AWS: `arn:aws:iam::${OTHER}:root` }, false, 'Deny'],
    ['the key policy names the user and an identity policy allows', { AWS: outsider.arn }, true, 'Allow'],
    ['the key policy names the user but no identity policy allows', { AWS: outsider.arn }, false, 'Deny'],
    ['only the identity policy allows', { AWS: ACCOUNT }, true, 'Deny'],
  ])('%s: %s', (_label, principal, withPolicy, expected) => {
    const d = authorize(
      request({ caller: outsider, key: keyWith([{ Effect: 'Allow', Principal: principal, Action: 'kms:*', Resource: '*' }]), identityPolicies: withPolicy ? [outsiderPolicy] : [] }),
    );
    expect(d.effect).toBe(expected);
  });

  it('the other account\'s root needs only the key policy', () => {
    expect(effect([{ Effect: 'Allow', Principal: { AWS: OTHER }, Action: 'kms:*', Resource: '*' }], root(OTHER))).toBe('Allow');
  });

  it('says which kind of policy is missing', () => {
    const d = authorize(request({ caller: outsider, key: keyWith([{ Effect: 'Allow', Principal: { AWS: outsider.arn }, Action: 'kms:*', Resource: '*' }]) }));
    expect(d.message).toBe(`User: ${outsider.arn} is not authorized to perform: kms:Decrypt on resource: ${KEY_ARN} because no identity-based policy allows the kms:Decrypt action`);
  });
});

describe('operations on no key', () => {
  it('are decided by identity policies alone (resource "*")', () => {
    const create = [identity('Create', [{ Effect: 'Allow', Action: 'kms:CreateKey', Resource: '*', Condition: { StringEquals: { 'kms:KeySpec': 'SYMMETRIC_DEFAULT' } } }])];
    expect(authorize(request({ action: 'kms:CreateKey', caller: alice, identityPolicies: create, context: { requestedKey: { keySpec: 'SYMMETRIC_DEFAULT' } } })).effect).toBe('Allow');
    expect(authorize(request({ action: 'kms:CreateKey', caller: alice, identityPolicies: create, context: { requestedKey: { keySpec: 'RSA_2048' } } })).effect).toBe('Deny');
    const scoped = [identity('Scoped', [{ Effect: 'Allow', Action: 'kms:CreateKey', Resource: `arn:aws:kms:*:${ACCOUNT}:key/*` }])];
    const d = authorize(request({ action: 'kms:CreateKey', caller: alice, identityPolicies: scoped }));
    expect(d.message).toBe(`User: ${aliceArn} is not authorized to perform: kms:CreateKey on resource: * because no identity-based policy allows the kms:CreateKey action`);
  });

  it('the root user may call them without policies', () => {
    expect(authorize(request({ action: 'kms:ListKeys', caller: root() })).effect).toBe('Allow');
  });
});

describe('principalFromCaller', () => {
  it('reads a role session from the call context', () => {
    const p = principalFromCaller({ type: 'AssumedRole', principalId: 'AROAEXAMPLE:s1', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/s1`, accountId: ACCOUNT });
    expect(p).toMatchObject({ type: 'AssumedRole', roleArn: `arn:aws:iam::${ACCOUNT}:role/Admin`, sessionName: 's1' });
    expect(effect([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/Admin` }, Action: 'kms:*', Resource: '*' }], p)).toBe('Allow');
  });

  it('reads the root user with its account ARN', () => {
    expect(principalFromCaller({ type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT })).toMatchObject({ type: 'Root', arn: `arn:aws:iam::${ACCOUNT}:root` });
  });
});

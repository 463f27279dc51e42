import { describe, expect, it } from 'vitest';
import {
  authorize,
  defaultKeyPolicy,
  describeExplanation,
  explainAccess,
  parsePolicyDocument,
  principalsNamedBy,
  REQUEST_CONDITION_KEYS,
  type AuthorizationRequest,
} from '../../../src/domain/policy/index.js';
import { ACCOUNT, allowRootAll, doc, grant, identity, keyWith, OTHER, request, user } from './fixtures.js';

const alice = user('alice');
/** "Who could decrypt at 14:00 on 3 March": time and caller known, the call itself not. */
const atT = { currentTime: '2024-03-03T14:00:00Z', unknownKeys: REQUEST_CONDITION_KEYS };

function ask(partial: Partial<AuthorizationRequest>): ReturnType<typeof explainAccess> {
  return explainAccess(request({ caller: alice, context: atT, ...partial }));
}

describe('explainAccess with an unknown request', () => {
  it('keeps an encryption-context condition attached to the path it limits', () => {
    const key = keyWith([{ Sid: 'FinanceOnly', Effect: 'Allow', Principal: { AWS: alice.arn }, Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:EncryptionContext:Dept': 'Finance' } } }]);
    const e = ask({ key });
    expect(e.outcome).toBe('Conditional');
    expect(e.decision).toBeUndefined();
    expect(e.paths).toEqual([
      {
        sources: [expect.objectContaining({ source: 'keyPolicy', sid: 'FinanceOnly', index: 0 })],
        requires: [{ kind: 'condition', operator: 'StringEquals', key: 'kms:EncryptionContext:Dept', values: ['Finance'] }],
      },
    ]);
    expect(describeExplanation(e)).toBe(
      'Outcome: Conditional\n- Allow by key policy statement "FinanceOnly" (#0) when StringEquals kms:EncryptionContext:Dept in ["Finance"]',
    );
  });

  it('decides what is known: the time of the question and the caller', () => {
    const key = keyWith([
      { Sid: 'UntilMarch', Effect: 'Allow', Principal: { AWS: alice.arn }, Action: 'kms:Decrypt', Resource: '*', Condition: { DateLessThan: { 'aws:CurrentTime': '2024-03-01T00:00:00Z' } } },
    ]);
    expect(ask({ key }).outcome).toBe('Deny');
    expect(ask({ key, context: { ...atT, currentTime: '2024-02-01T00:00:00Z' } }).outcome).toBe('Allow');
  });

  it('resolves policy variables it knows in the terms it returns', () => {
    const key = keyWith([{ Effect: 'Allow', Principal: { AWS: alice.arn }, Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:EncryptionContext:user': '${aws:username}' } } }]);
    expect(ask({ key }).paths[0]?.requires).toEqual([{ kind: 'condition', operator: 'StringEquals', key: 'kms:EncryptionContext:user', values: ['alice'] }]);
  });

  it('returns a grant\'s constraint as the condition still attached', () => {
    const g = grant({ granteePrincipal: alice.arn, operations: ['Decrypt'], constraints: { encryptionContextSubset: { Project: 'X' } } });
    const e = ask({ key: keyWith([allowRootAll]), grants: [g] });
    expect(e.outcome).toBe('Conditional');
    expect(e.paths).toEqual([
      {
        sources: [{ source: 'grant', grantId: g.grantId, viaGrantToken: false, granteeIsAccount: false }],
        requires: [{ kind: 'grantConstraint', constraint: 'EncryptionContextSubset', encryptionContext: { Project: 'X' } }],
      },
    ]);
    expect(describeExplanation(e)).toContain(`Allow by grant ${g.grantId} when encryption context contains {Project=X}`);
  });

  it('reports a Deny that may apply as a denial with its condition', () => {
    const key = keyWith([
      { Sid: 'Alice', Effect: 'Allow', Principal: { AWS: alice.arn }, Action: 'kms:*', Resource: '*' },
      { Sid: 'TLSOnly', Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    ]);
    const e = ask({ key });
    expect(e.outcome).toBe('Conditional');
    expect(e.paths).toEqual([{ sources: [expect.objectContaining({ sid: 'Alice' })], requires: [] }]);
    expect(e.denials).toEqual([{ source: expect.objectContaining({ sid: 'TLSOnly', effect: 'Deny' }), when: [{ kind: 'condition', operator: 'Bool', key: 'aws:SecureTransport', values: ['false'] }] }]);
  });

  it('lists every path, each with its own conditions', () => {
    const key = keyWith([
      allowRootAll,
      { Sid: 'ViaEc2', Effect: 'Allow', Principal: { AWS: alice.arn }, Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' } } },
    ]);
    const e = ask({ key, identityPolicies: [identity('Office', [{ Sid: 'FromOffice', Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }])] });
    expect(e.outcome).toBe('Conditional');
    expect(e.paths.map((p) => [p.sources.map((s) => ('sid' in s ? s.sid : s.source)), p.requires.map((t) => (t.kind === 'condition' ? t.key : t.kind))])).toEqual([
      [['Enable IAM User Permissions', 'FromOffice'], ['aws:SourceIp']],
      [['ViaEc2'], ['kms:ViaService']],
    ]);
  });

  it('is definite when nothing depends on the request', () => {
    const e = ask({ key: keyWith([{ Effect: 'Allow', Principal: { AWS: alice.arn }, Action: 'kms:Decrypt', Resource: '*' }]) });
    expect(e.outcome).toBe('Allow');
    expect(e.decision?.effect).toBe('Allow');
    expect(ask({ key: keyWith([allowRootAll]) }).outcome).toBe('Deny');
  });

  it('leaves a CreateGrant through a grant open until the new grant is known', () => {
    const g = grant({ granteePrincipal: alice.arn, operations: ['Decrypt', 'CreateGrant'] });
    const e = ask({ key: keyWith([allowRootAll]), grants: [g], action: 'kms:CreateGrant' });
    expect(e.paths[0]?.requires).toEqual([{ kind: 'grantRedelegation', operations: ['Decrypt', 'CreateGrant'] }]);
  });

  it('is ignored by authorize, which decides every condition', () => {
    const key = keyWith([{ Effect: 'Allow', Principal: { AWS: alice.arn }, Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:EncryptionContext:Dept': 'Finance' } } }]);
    expect(authorize(request({ caller: alice, key, context: atT })).effect).toBe('Deny');
    expect(authorize(request({ caller: alice, key, context: { ...atT, encryptionContext: { Dept: 'Finance' } } })).effect).toBe('Allow');
  });
});

describe('principalsNamedBy', () => {
  it('lists the principals of each statement with what limits them', () => {
    const policy = parsePolicyDocument(
      doc([
        allowRootAll,
        {
          Sid: 'Use',
          Effect: 'Allow',
          Principal: { AWS: [alice.arn, `arn:aws:iam::${ACCOUNT}:role/App`, OTHER], Service: 'ec2.amazonaws.com' },
          Action: ['kms:Encrypt', 'kms:Decrypt'],
          Resource: '*',
          Condition: { StringEquals: { 'kms:CallerAccount': ACCOUNT } },
        },
        { Sid: 'Guard', Effect: 'Deny', NotPrincipal: { AWS: [alice.arn, ACCOUNT] }, NotAction: 'kms:Describe*', Resource: '*' },
        { Sid: 'Everyone', Effect: 'Allow', Principal: '*', Action: 'kms:DescribeKey', Resource: '*' },
      ]),
    );
    const named = principalsNamedBy(policy);
    expect(named.map((n) => [n.sid, n.element, n.value, n.names.type])).toEqual([
      ['Enable IAM User Permissions', 'Principal', `arn:aws:iam::${ACCOUNT}:root`, 'account'],
      ['Use', 'Principal', alice.arn, 'user'],
      ['Use', 'Principal', `arn:aws:iam::${ACCOUNT}:role/App`, 'role'],
      ['Use', 'Principal', OTHER, 'account'],
      ['Use', 'Principal', 'ec2.amazonaws.com', 'service'],
      ['Guard', 'NotPrincipal', alice.arn, 'user'],
      ['Guard', 'NotPrincipal', ACCOUNT, 'account'],
      ['Everyone', 'Principal', '*', 'anyone'],
    ]);
    expect(named[1]).toMatchObject({ effect: 'Allow', action: ['kms:Encrypt', 'kms:Decrypt'], conditions: [{ kind: 'condition', operator: 'StringEquals', key: 'kms:CallerAccount', values: [ACCOUNT] }] });
    expect(named[5]).toMatchObject({ effect: 'Deny', notAction: ['kms:Describe*'] });
  });

  it('names the account for the default key policy', () => {
    expect(principalsNamedBy(parsePolicyDocument(defaultKeyPolicy(ACCOUNT))).map((n) => n.names)).toEqual([{ type: 'account', accountId: ACCOUNT }]);
  });
});

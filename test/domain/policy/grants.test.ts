import { describe, expect, it } from 'vitest';
import type { GrantConstraints, GrantOperation } from '../../../src/domain/key/grant.js';
import { authorize, isNarrowerOrEqualGrant, mayRetireGrant, type Principal } from '../../../src/domain/policy/index.js';
import { ACCOUNT, allowAllKms, allowRootAll, grant, identity, keyWith, OTHER, request, root, session, user } from './fixtures.js';

const alice = user('alice');
const bob = user('bob');
// The key policy lets nobody but the account root in, so any access below comes from a grant.
const key = keyWith([allowRootAll]);

describe('grants allow their operations', () => {
  const g = grant({ granteePrincipal: alice.arn, operations: ['Decrypt', 'Encrypt'] });

  it('to the grantee, for a listed operation, citing the grant', () => {
    const d = authorize(request({ caller: alice, key, grants: [g] }));
    expect(d.effect).toBe('Allow');
    expect(d.reasons).toEqual([{ source: 'grant', grantId: g.grantId, viaGrantToken: false, granteeIsAccount: false }]);
  });

  it.each<[string, Principal, string]>([
    ['not to other principals', bob, 'kms:Decrypt'],
    ['not for other operations', alice, 'kms:GenerateDataKey'],
    ['never for operations a grant cannot hold', alice, 'kms:PutKeyPolicy'],
  ])('%s', (_label, caller, action) => {
    expect(authorize(request({ caller, action, key, grants: [g] })).effect).toBe('Deny');
  });

  it('to sessions of a grantee role', () => {
    const roleGrant = grant({ granteePrincipal: `arn:aws:iam::${ACCOUNT}:role/App`, operations: ['Decrypt'] });
    expect(authorize(request({ caller: session('App', 'x'), key, grants: [roleGrant] })).effect).toBe('Allow');
  });

  it('to a grantee in another account without any identity policy', () => {
    const outsider = user('carol', OTHER);
    expect(authorize(request({ caller: outsider, key, grants: [grant({ granteePrincipal: outsider.arn, operations: ['Decrypt'] })] })).effect).toBe('Allow');
  });

  it('to an account grantee only through an identity policy of its principal', () => {
    const accountGrant = grant({ granteePrincipal: `arn:aws:iam::${OTHER}:root`, operations: ['Decrypt'] });
    const carol = user('carol', OTHER);
    expect(authorize(request({ caller: carol, key, grants: [accountGrant] })).effect).toBe('Deny');
    const d = authorize(request({ caller: carol, key, grants: [accountGrant], identityPolicies: [identity('Use', [allowAllKms])] }));
    expect(d.effect).toBe('Allow');
    expect(d.reasons[0]).toMatchObject({ source: 'grant', granteeIsAccount: true });
    expect(authorize(request({ caller: root(OTHER), key, grants: [accountGrant] })).effect).toBe('Allow');
  });

  it('but an explicit Deny still wins', () => {
    const d = authorize(request({ caller: alice, key, grants: [g], identityPolicies: [identity('No', [{ Effect: 'Deny', Action: 'kms:Decrypt', Resource: '*' }])] }));
    expect(d).toMatchObject({ effect: 'Deny', explicitDeny: true });
  });

  it('only for their own key', () => {
    const elsewhere = grant({ granteePrincipal: alice.arn, operations: ['Decrypt'], keyId: 'another-key' });
    expect(authorize(request({ caller: alice, key, grants: [elsewhere] })).effect).toBe('Deny');
  });

  it('through a grant token, for a grant the key does not list yet', () => {
    const d = authorize(request({ caller: alice, key, grants: [], grantsFromTokens: [g] }));
    expect(d.effect).toBe('Allow');
    expect(d.reasons).toEqual([expect.objectContaining({ source: 'grant', grantId: g.grantId, viaGrantToken: true })]);
  });
});

describe('grant constraints', () => {
  const withConstraints = (constraints: GrantConstraints, operations: GrantOperation[] = ['Decrypt', 'DescribeKey']) =>
    grant({ granteePrincipal: alice.arn, operations, constraints });
  const decide = (constraints: GrantConstraints, encryptionContext: Record<string, string> | undefined, action = 'kms:Decrypt', keySpec = 'SYMMETRIC_DEFAULT') =>
    authorize(
      request({
        caller: alice,
        action,
        key: keyWith([allowRootAll], { keySpec }),
        grants: [withConstraints(constraints)],
        context: encryptionContext === undefined ? {} : { encryptionContext },
      }),
    ).effect;

  const subset = { encryptionContextSubset: { Department: 'Finance', Classification: 'Public' } };
  const equals = { encryptionContextEquals: { Department: 'Finance' } };

  it.each<[string, GrantConstraints, Record<string, string> | undefined, string]>([
    ['Subset: exactly the pairs', subset, { Department: 'Finance', Classification: 'Public' }, 'Allow'],
    ['Subset: the pairs and others', subset, { Department: 'Finance', Classification: 'Public', Project: 'X' }, 'Allow'],
    ['Subset: a pair missing', subset, { Department: 'Finance' }, 'Deny'],
    ['Subset: a value differs', subset, { Department: 'Finance', Classification: '12345' }, 'Deny'],
    ['Subset: no encryption context', subset, undefined, 'Deny'],
    ['Subset: keys are case-insensitive', subset, { department: 'Finance', CLASSIFICATION: 'Public' }, 'Allow'],
    ['Subset: values are case-sensitive', subset, { Department: 'finance', Classification: 'Public' }, 'Deny'],
    ['Equals: exactly that context', equals, { Department: 'Finance' }, 'Allow'],
    ['Equals: an extra pair', equals, { Department: 'Finance', Project: 'X' }, 'Deny'],
    ['Equals: a different value', equals, { Department: 'Sales' }, 'Deny'],
    ['Equals: no context', equals, undefined, 'Deny'],
  ])('%s', (_label, constraints, context, expected) => {
    expect(decide(constraints, context)).toBe(expected);
  });

  it('do not apply to operations without an encryption context', () => {
    expect(decide(equals, undefined, 'kms:DescribeKey')).toBe('Allow');
  });

  it('do not apply to asymmetric keys', () => {
    expect(decide(equals, undefined, 'kms:Decrypt', 'RSA_2048')).toBe('Allow');
  });
});

describe('re-delegation: CreateGrant through a grant', () => {
  const parent = grant({
    granteePrincipal: alice.arn,
    operations: ['Decrypt', 'Encrypt', 'CreateGrant'],
    constraints: { encryptionContextSubset: { Department: 'Finance' } },
  });
  const createGrant = (operations: GrantOperation[], constraints?: GrantConstraints) =>
    authorize(
      request({
        caller: alice,
        action: 'kms:CreateGrant',
        key,
        grants: [parent],
        context: { grant: { operations, granteePrincipal: bob.arn, ...(constraints === undefined ? {} : { constraints }) } },
      }),
    ).effect;

  it.each<[string, GrantOperation[], GrantConstraints | undefined, string]>([
    ['the same grant', ['Decrypt', 'Encrypt', 'CreateGrant'], { encryptionContextSubset: { Department: 'Finance' } }, 'Allow'],
    ['fewer operations', ['Decrypt'], { encryptionContextSubset: { Department: 'Finance' } }, 'Allow'],
    ['more pairs in the Subset', ['Decrypt'], { encryptionContextSubset: { Department: 'Finance', Project: 'X' } }, 'Allow'],
    ['the Subset turned into an Equals', ['Decrypt'], { encryptionContextEquals: { Department: 'Finance', Project: 'X' } }, 'Allow'],
    ['an operation the grant lacks', ['Decrypt', 'GenerateDataKey'], { encryptionContextSubset: { Department: 'Finance' } }, 'Deny'],
    ['no constraint', ['Decrypt'], undefined, 'Deny'],
    ['a different pair', ['Decrypt'], { encryptionContextSubset: { Department: 'Sales' } }, 'Deny'],
    ['an Equals without the pair', ['Decrypt'], { encryptionContextEquals: { Project: 'X' } }, 'Deny'],
  ])('%s: %s', (_label, operations, constraints, expected) => {
    expect(createGrant(operations, constraints)).toBe(expected);
  });

  it('needs CreateGrant among the grant\'s operations', () => {
    const plain = grant({ granteePrincipal: alice.arn, operations: ['Decrypt'] });
    const d = authorize(request({ caller: alice, action: 'kms:CreateGrant', key, grants: [plain], context: { grant: { operations: ['Decrypt'], granteePrincipal: bob.arn } } }));
    expect(d.effect).toBe('Deny');
  });

  it.each<[string, GrantConstraints | undefined, GrantConstraints | undefined, boolean]>([
    ['no constraints under no constraints', undefined, undefined, true],
    ['any constraints under no constraints', undefined, { encryptionContextEquals: { a: '1' } }, true],
    ['an Equals under the same Equals', { encryptionContextEquals: { a: '1' } }, { encryptionContextEquals: { A: '1' } }, true],
    ['a larger Equals under an Equals', { encryptionContextEquals: { a: '1' } }, { encryptionContextEquals: { a: '1', b: '2' } }, false],
    ['a Subset under an Equals', { encryptionContextEquals: { a: '1' } }, { encryptionContextSubset: { a: '1' } }, false],
  ])('isNarrowerOrEqualGrant: %s', (_label, parentConstraints, childConstraints, expected) => {
    const p = { operations: ['Decrypt'] as GrantOperation[], ...(parentConstraints === undefined ? {} : { constraints: parentConstraints }) };
    const c = { operations: ['Decrypt'] as GrantOperation[], ...(childConstraints === undefined ? {} : { constraints: childConstraints }) };
    expect(isNarrowerOrEqualGrant(p, c)).toBe(expected);
  });
});

describe('who may retire a grant', () => {
  const ops: GrantOperation[] = ['Decrypt'];
  const g = grant({ granteePrincipal: alice.arn, retiringPrincipal: `arn:aws:iam::${ACCOUNT}:role/Retirer`, operations: ops });
  const retire = (caller: Principal, target = g, identityPolicies: ReturnType<typeof identity>[] = []) =>
    mayRetireGrant({ grant: target, caller, identityPolicies, key, context: {} });

  it.each<[string, Principal, string, string | undefined]>([
    ['the retiring principal', session('Retirer', 's'), 'Allow', 'retiringPrincipal'],
    ['the grantee when the grant lacks RetireGrant', alice, 'Deny', undefined],
    ['the root user of the account that created the grant', root(), 'Allow', 'issuingAccount'],
    ['a principal of another account', user('carol', OTHER), 'Deny', undefined],
    ['a user of the creating account without an identity policy', bob, 'Deny', undefined],
  ])('%s', (_label, caller, expected, basis) => {
    const d = retire(caller);
    expect(d.effect).toBe(expected);
    if (basis !== undefined) expect(d.reasons).toContainEqual({ source: 'retireGrant', grantId: g.grantId, basis });
  });

  it('the grantee when the grant includes RetireGrant', () => {
    const d = retire(alice, grant({ granteePrincipal: alice.arn, operations: ['Decrypt', 'RetireGrant'] }));
    expect(d.reasons).toEqual([{ source: 'retireGrant', grantId: g.grantId, basis: 'granteeWithRetireGrant' }]);
  });

  it('a user of the creating account with kms:RetireGrant in an identity policy', () => {
    expect(retire(bob, g, [identity('Retire', [{ Effect: 'Allow', Action: 'kms:RetireGrant', Resource: '*' }])]).effect).toBe('Allow');
  });

  it('an identity-policy Deny stops even the retiring principal', () => {
    const d = retire(session('Retirer', 's'), g, [identity('No', [{ Effect: 'Deny', Action: 'kms:RetireGrant', Resource: '*' }])]);
    expect(d).toMatchObject({ effect: 'Deny', explicitDeny: true });
  });

  it('kms:RetireGrant in a key policy has no effect, Allow or Deny', () => {
    const keyAllowing = keyWith([{ Effect: 'Allow', Principal: '*', Action: 'kms:RetireGrant', Resource: '*' }]);
    expect(mayRetireGrant({ grant: g, caller: user('carol', OTHER), identityPolicies: [], key: keyAllowing, context: {} }).effect).toBe('Deny');
    const keyDenying = keyWith([allowRootAll, { Effect: 'Deny', Principal: '*', Action: 'kms:RetireGrant', Resource: '*' }]);
    expect(mayRetireGrant({ grant: g, caller: session('Retirer', 's'), identityPolicies: [], key: keyDenying, context: {} }).effect).toBe('Allow');
  });

  it('authorize without the grant to retire denies, saying so', () => {
    const d = authorize(request({ action: 'kms:RetireGrant', caller: root(), key }));
    expect(d.effect).toBe('Deny');
    expect(d.reasons).toEqual([expect.objectContaining({ source: 'implicitDeny', detail: 'no grant was named to retire' })]);
  });
});

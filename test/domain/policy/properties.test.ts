import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Grant, GrantOperation } from '../../../src/domain/key/grant.js';
import { authorize, type Principal, type RequestContext } from '../../../src/domain/policy/index.js';
import { ACCOUNT, doc, grant, identity, keyFromPolicy, OTHER, request, root, session, user } from './fixtures.js';

const callers: Principal[] = [user('alice'), user('bob'), root(), user('carol', OTHER), session('Admin', 's1')];
const principals = [user('alice').arn, user('bob').arn, ACCOUNT, `arn:aws:iam::${ACCOUNT}:root`, OTHER, `arn:aws:iam::${ACCOUNT}:role/Admin`, '*'];
const actions = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey', 'kms:CreateGrant'];
const actionPatterns = ['kms:*', 'kms:Decrypt', 'kms:Encrypt', 'kms:Gen*', 'kms:Describe*', 'kms:CreateGrant', '*'];
const conditions: object[] = [
  { StringEquals: { 'kms:EncryptionContext:Dept': 'IT' } },
  { StringNotEquals: { 'kms:EncryptionContext:Dept': 'HR' } },
  { Bool: { 'aws:SecureTransport': 'true' } },
  { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
  { 'ForAnyValue:StringEquals': { 'kms:EncryptionContextKeys': 'Dept' } },
  { 'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['Dept', 'Project'] } },
  { StringEqualsIfExists: { 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' } },
  { DateLessThan: { 'aws:CurrentTime': '2024-06-01T00:00:00Z' } },
];

const body = fc.record({
  // Mostly Allow, so that plenty of scenarios end allowed and the properties have something to break.
  effect: fc.constantFrom('Allow', 'Allow', 'Allow', 'Deny'),
  negateAction: fc.boolean(),
  actions: fc.subarray(actionPatterns, { minLength: 1, maxLength: 3 }),
  condition: fc.option(fc.constantFrom(...conditions), { nil: undefined }),
});

type Body = typeof body extends fc.Arbitrary<infer T> ? T : never;

function statementJson(b: Body, principal?: { not: boolean; values: string[] }): object {
  return {
    Effect: b.effect,
    ...(principal === undefined ? {} : principal.not ? { NotPrincipal: { AWS: principal.values } } : { Principal: { AWS: principal.values } }),
    ...(b.negateAction ? { NotAction: b.actions } : { Action: b.actions }),
    Resource: '*',
    ...(b.condition === undefined ? {} : { Condition: b.condition }),
  };
}

const keyStatement = fc
  .tuple(body, fc.boolean(), fc.subarray(principals, { minLength: 1, maxLength: 2 }))
  .map(([b, not, values]) => statementJson(b, { not: not && !values.includes('*'), values }));
const identityStatement = body.map((b) => statementJson(b));

const grantOps: GrantOperation[] = ['Decrypt', 'Encrypt', 'GenerateDataKey', 'DescribeKey', 'CreateGrant'];
const grantArb = fc
  .record({
    grantee: fc.constantFrom(user('alice').arn, user('bob').arn, `arn:aws:iam::${ACCOUNT}:role/Admin`, `arn:aws:iam::${OTHER}:root`),
    operations: fc.subarray(grantOps, { minLength: 1 }),
    constraint: fc.constantFrom(undefined, { encryptionContextSubset: { Dept: 'IT' } }, { encryptionContextEquals: { Dept: 'IT' } }),
    id: fc.integer({ min: 0, max: 9 }),
  })
  .map(
    (g): Grant =>
      grant({ grantId: String(g.id).repeat(64), granteePrincipal: g.grantee, operations: g.operations, ...(g.constraint === undefined ? {} : { constraints: g.constraint }) }),
  );

const contextArb = fc.record({
  encryptionContext: fc.constantFrom<Record<string, string>>({}, { Dept: 'IT' }, { Dept: 'HR' }, { Dept: 'IT', Project: 'X' }, { Other: '1' }),
  sourceIp: fc.constantFrom('203.0.113.7', '198.51.100.7'),
  secureTransport: fc.boolean(),
  currentTime: fc.constantFrom('2024-03-03T14:00:00Z', '2024-07-01T00:00:00Z'),
  grant: fc.constantFrom(undefined, { operations: ['Decrypt'] as GrantOperation[], granteePrincipal: user('bob').arn, constraints: { encryptionContextSubset: { Dept: 'IT' } } }),
});

const scenario = fc.record({
  keyStatements: fc.array(keyStatement, { minLength: 0, maxLength: 5 }),
  identityStatements: fc.array(identityStatement, { minLength: 0, maxLength: 4 }),
  // Grant ids are unique on a key; the evaluator merges a key's grants with token grants by id.
  grants: fc.uniqueArray(grantArb, { maxLength: 3, selector: (g) => g.grantId }),
  caller: fc.constantFrom(...callers),
  action: fc.constantFrom(...actions),
  context: contextArb,
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

// A statement that names nobody who calls, so a policy is never empty.
const inert = { Effect: 'Deny', Principal: { AWS: '999999999999' }, Action: 'kms:Nothing', Resource: '*' };

function decide(s: Scenario): 'Allow' | 'Deny' {
  const key = keyFromPolicy(doc([inert, ...s.keyStatements]));
  const identityPolicies = s.identityStatements.length === 0 ? [] : [identity('P', s.identityStatements)];
  const context: RequestContext = s.context;
  return authorize(request({ caller: s.caller, action: s.action, key, identityPolicies, grants: s.grants, context })).effect;
}

const params = { numRuns: 400 };

describe('evaluation properties', () => {
  it('are not vacuous: the scenarios reach both outcomes', () => {
    const outcomes = fc.sample(scenario, { numRuns: 300, seed: 7 }).map(decide);
    expect(outcomes.filter((o) => o === 'Allow').length).toBeGreaterThan(45);
    expect(outcomes.filter((o) => o === 'Deny').length).toBeGreaterThan(45);
  });

  it('adding a Deny statement never turns a deny into an allow', () => {
    fc.assert(
      fc.property(scenario, fc.boolean(), body, fc.subarray(principals, { minLength: 1, maxLength: 2 }), (s, toKeyPolicy, b, values) => {
        const deny = { ...b, effect: 'Deny' as const };
        const more: Scenario = toKeyPolicy
          ? { ...s, keyStatements: [...s.keyStatements, statementJson(deny, { not: false, values })] }
          : { ...s, identityStatements: [...s.identityStatements, statementJson(deny)] };
        if (decide(s) === 'Deny') expect(decide(more)).toBe('Deny');
      }),
      params,
    );
  });

  it('removing an Allow statement or a grant never turns a deny into an allow', () => {
    fc.assert(
      fc.property(scenario, fc.nat(), fc.constantFrom('key', 'identity', 'grant'), (s, pick, where) => {
        const list = where === 'key' ? s.keyStatements : where === 'identity' ? s.identityStatements : s.grants;
        const allows = list.map((x, i) => [x, i] as const).filter(([x]) => where === 'grant' || (x as { Effect: string }).Effect === 'Allow');
        fc.pre(allows.length > 0);
        const drop = allows[pick % allows.length]?.[1];
        const without = <T,>(xs: readonly T[]): T[] => xs.filter((_, i) => i !== drop);
        const fewer: Scenario =
          where === 'key' ? { ...s, keyStatements: without(s.keyStatements) } : where === 'identity' ? { ...s, identityStatements: without(s.identityStatements) } : { ...s, grants: without(s.grants) };
        if (decide(s) === 'Deny') expect(decide(fewer)).toBe('Deny');
      }),
      params,
    );
  });

  it('an explicit Deny matching the request always wins', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const blanket = { Effect: 'Deny', Principal: '*', Action: '*', Resource: '*' };
        expect(decide({ ...s, keyStatements: [...s.keyStatements, blanket] })).toBe('Deny');
      }),
      { numRuns: 100 },
    );
  });
});

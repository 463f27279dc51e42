import { describe, expect, it } from 'vitest';
import { isKmsError } from '../../../src/domain/errors.js';
import { defaultKeyPolicy, parsePolicyDocument } from '../../../src/domain/policy/index.js';
import { ACCOUNT } from './fixtures.js';

const stmt = { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' };

function policy(statement: unknown, extra: object = {}): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statement, ...extra });
}

function refusal(text: string, kind: 'key' | 'identity' = 'key'): string {
  try {
    parsePolicyDocument(text, { kind });
  } catch (e) {
    if (isKmsError(e, 'MalformedPolicyDocumentException')) return e.message;
    throw e;
  }
  throw new Error('the document was accepted');
}

describe('parsePolicyDocument accepts', () => {
  it('the default key policy, keeping its text verbatim', () => {
    const text = defaultKeyPolicy(ACCOUNT);
    const d = parsePolicyDocument(text);
    expect(d.text).toBe(text);
    expect(d.version).toBe('2012-10-17');
    expect(d.id).toBe('key-default-1');
    expect(d.statements).toHaveLength(1);
    expect(d.statements[0]).toMatchObject({ index: 0, sid: 'Enable IAM User Permissions', effect: 'Allow', action: ['kms:*'], resource: ['*'] });
    expect(d.statements[0]?.principal?.aws).toEqual([`arn:aws:iam::${ACCOUNT}:root`]);
  });

  it('a single statement object, principals in every form, and conditions with scalar values', () => {
    const d = parsePolicyDocument(
      policy({
        Sid: 'Mixed',
        Effect: 'Deny',
        Principal: {
          AWS: [ACCOUNT, `arn:aws:iam::${ACCOUNT}:user/ops/Alice`, `arn:aws:iam::${ACCOUNT}:role/Admin`, `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/s1`],
          Service: 'ec2.amazonaws.com',
        },
        NotAction: ['kms:Create*', 'kms:GenerateDataKey*'],
        NotResource: `arn:aws:kms:*:${ACCOUNT}:key/*`,
        Condition: { Bool: { 'aws:SecureTransport': false }, NumericLessThan: { 'aws:EpochTime': 1700000000 }, 'ForAnyValue:StringLike': { 'kms:ResourceAliases': ['alias/a*', 'alias/b?'] } },
      }),
    );
    const s = d.statements[0];
    expect(s?.notAction).toEqual(['kms:Create*', 'kms:GenerateDataKey*']);
    expect(s?.principal?.service).toEqual(['ec2.amazonaws.com']);
    expect(s?.conditions.map((c) => [c.operator.name, c.key, c.values])).toEqual([
      ['Bool', 'aws:SecureTransport', ['false']],
      ['NumericLessThan', 'aws:EpochTime', ['1700000000']],
      ['ForAnyValue:StringLike', 'kms:ResourceAliases', ['alias/a*', 'alias/b?']],
    ]);
    expect(s?.conditions[2]?.operator).toMatchObject({ family: 'String', test: 'Like', negated: false, qualifier: 'ForAnyValue', ifExists: false });
  });

  it('"Principal": "*" and {"AWS": "*"} as everyone', () => {
    for (const principal of ['*', { AWS: '*' }]) {
      const d = parsePolicyDocument(policy([{ ...stmt, Principal: principal }]));
      expect(d.statements[0]?.principal?.anyone).toBe(true);
    }
  });

  it('a document without Version (the 2008 language)', () => {
    expect(parsePolicyDocument(JSON.stringify({ Statement: [stmt] })).version).toBeUndefined();
  });

  it('an identity policy without principals', () => {
    const d = parsePolicyDocument(policy([{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: `arn:aws:kms:us-east-1:${ACCOUNT}:key/*` }]), { kind: 'identity' });
    expect(d.kind).toBe('identity');
  });
});

describe('parsePolicyDocument refuses, naming the fault', () => {
  it.each([
    ['text that is not JSON', '{"Version": ', /not valid JSON/],
    ['a JSON array', '[]', /must be a JSON object/],
    ['an unknown top-level element', policy([stmt], { Statment: [] }), /unknown element "Statment"/],
    ['an unsupported Version', JSON.stringify({ Version: '2019-01-01', Statement: [stmt] }), /Version "2019-01-01" is not supported/],
    ['a numeric Version', JSON.stringify({ Version: 2012, Statement: [stmt] }), /Version 2012 is not supported/],
    ['a missing Statement', JSON.stringify({ Version: '2012-10-17' }), /no Statement element/],
    ['an empty Statement list', policy([]), /Statement list is empty/],
    ['a statement that is not an object', policy(['Allow']), /Statement 0 must be a JSON object/],
    ['an empty statement', policy([{}]), /Statement 0 has no Effect/],
    ['an unknown statement element', policy([{ ...stmt, Sid: 'S1', Actions: 'kms:*' }]), /Statement 0 \(Sid "S1"\) contains an unknown element "Actions"/],
    ['a bad Effect', policy([{ ...stmt, Effect: 'allow' }]), /Effect "allow" is invalid/],
    ['Principal and NotPrincipal together', policy([{ ...stmt, NotPrincipal: { AWS: ACCOUNT } }]), /both Principal and NotPrincipal/],
    ['a key policy statement without principal', policy([{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }]), /no Principal or NotPrincipal/],
    ['Action and NotAction together', policy([{ ...stmt, NotAction: 'kms:Decrypt' }]), /both Action and NotAction/],
    ['no Action', policy([{ Effect: 'Allow', Principal: '*', Resource: '*' }]), /no Action or NotAction/],
    ['an action without service prefix', policy([{ ...stmt, Action: 'Decrypt' }]), /Action "Decrypt" is invalid/],
    ['an empty action list', policy([{ ...stmt, Action: [] }]), /Action must not be an empty list/],
    ['no Resource', policy([{ Effect: 'Allow', Principal: '*', Action: 'kms:*' }]), /no Resource or NotResource/],
    ['a resource that is not an ARN', policy([{ ...stmt, Resource: 'my-key' }]), /Resource "my-key" must be an ARN/],
    ['a partial wildcard principal', policy([{ ...stmt, Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/*` } }]), /invalid principals: .*user\/\*/],
    ['a principal that is no ARN', policy([{ ...stmt, Principal: { AWS: 'alice' } }]), /invalid principals/],
    ['a short account id', policy([{ ...stmt, Principal: { AWS: '12345' } }]), /invalid principals/],
    ['an unknown principal type', policy([{ ...stmt, Principal: { User: 'x' } }]), /unknown principal type "User"/],
    ['an invalid service principal', policy([{ ...stmt, Principal: { Service: 'ec2' } }]), /invalid principals/],
    ['a principal string other than "*"', policy([{ ...stmt, Principal: ACCOUNT }]), /Principal must be "\*" or an object/],
    ['an empty principal object', policy([{ ...stmt, Principal: {} }]), /Principal is empty/],
    ['an unknown condition operator', policy([{ ...stmt, Condition: { StringEqualz: { 'aws:username': 'a' } } }]), /invalid condition operator "StringEqualz"/],
    ['an unknown qualifier', policy([{ ...stmt, Condition: { 'ForSomeValues:StringEquals': { 'aws:TagKeys': 'a' } } }]), /unknown set qualifier "ForSomeValues"/],
    ['NullIfExists', policy([{ ...stmt, Condition: { NullIfExists: { 'aws:username': 'true' } } }]), /IfExists cannot be added to the Null operator/],
    ['a condition key without service prefix', policy([{ ...stmt, Condition: { StringEquals: { username: 'a' } } }]), /condition key "username" must be prefixed/],
    ['a condition block that is not an object', policy([{ ...stmt, Condition: { StringEquals: 'a' } }]), /must map condition keys to values/],
    ['an empty list of condition values', policy([{ ...stmt, Condition: { StringEquals: { 'aws:username': [] } } }]), /empty list of values/],
    ['an object as condition value', policy([{ ...stmt, Condition: { StringEquals: { 'aws:username': { a: 1 } } } }]), /must be a string, number or boolean/],
    ['a non-numeric Numeric value', policy([{ ...stmt, Condition: { NumericLessThan: { 'kms:ValidTo': 'soon' } } }]), /NumericLessThan on "kms:ValidTo" has a value that is not a number: "soon"/],
    ['a bad date', policy([{ ...stmt, Condition: { DateLessThan: { 'aws:CurrentTime': '03/03/2024' } } }]), /not an ISO 8601 date/],
    ['a bad Bool', policy([{ ...stmt, Condition: { Bool: { 'aws:SecureTransport': 'yes' } } }]), /not "true" or "false"/],
    ['a bad CIDR', policy([{ ...stmt, Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/33' } } }]), /not an IP address or CIDR range/],
    ['bad base64', policy([{ ...stmt, Condition: { BinaryEquals: { 'kms:Foo': 'not base64!' } } }]), /not base64/],
    ['ForAllValues on an encryption-context pair', policy([{ ...stmt, Condition: { 'ForAllValues:StringEquals': { 'kms:EncryptionContext:Dept': 'IT' } } }]), /OverlyPermissiveCondition/],
    ['ForAllValues on a request tag', policy([{ ...stmt, Condition: { 'ForAllValues:StringEquals': { 'aws:RequestTag/Env': 'prod' } } }]), /OverlyPermissiveCondition/],
  ])('%s', (_label, text, message) => {
    expect(refusal(text)).toMatch(message);
  });

  it('a principal in an identity policy', () => {
    expect(refusal(policy([stmt]), 'identity')).toMatch(/identity-based policy must not specify a Principal/);
  });

  it('duplicate Sids in an identity policy', () => {
    const s = { Sid: 'Same', Effect: 'Allow', Action: 'kms:*', Resource: '*' };
    expect(refusal(policy([s, s]), 'identity')).toMatch(/"Same" is used twice/);
  });
});

describe('defaultKeyPolicy', () => {
  it('gives the account root every KMS action on the key', () => {
    expect(JSON.parse(defaultKeyPolicy('999988887777'))).toEqual({
      Version: '2012-10-17',
      Id: 'key-default-1',
      Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999988887777:root' }, Action: 'kms:*', Resource: '*' }],
    });
  });
});

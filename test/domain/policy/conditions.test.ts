import { describe, expect, it } from 'vitest';
import {
  authorize,
  parsePolicyDocument,
  type KeyFacts,
  type Principal,
  type RequestContext,
} from '../../../src/domain/policy/index.js';
import { ACCOUNT, doc, keyFromPolicy, request, session, user } from './fixtures.js';

const alice = user('alice');
const base: RequestContext = { currentTime: '2024-03-03T14:00:00Z', sourceIp: '203.0.113.10', secureTransport: true };

interface Case {
  readonly condition: object;
  readonly context?: Partial<RequestContext>;
  readonly key?: Partial<KeyFacts>;
  readonly caller?: Principal;
  readonly action?: string;
  readonly version?: string | null;
}

/** Is a key-policy Allow for the caller, carrying `condition`, effective in this context? */
function holds(c: Case): boolean {
  const caller = c.caller ?? alice;
  const statement = { Effect: 'Allow', Principal: { AWS: caller.type === 'AssumedRole' ? '*' : caller.arn }, Action: 'kms:*', Resource: '*', Condition: c.condition };
  const key = keyFromPolicy(doc([statement], c.version === undefined ? '2012-10-17' : c.version), c.key ?? {});
  return authorize(request({ action: c.action ?? 'kms:Decrypt', caller, key, context: { ...base, ...c.context } })).effect === 'Allow';
}

const ec = (encryptionContext: Record<string, string>): Partial<RequestContext> => ({ encryptionContext });

describe('string operators', () => {
  it.each<[string, Case, boolean]>([
    ['StringEquals matches exactly', { condition: { StringEquals: { 'kms:EncryptionContext:Dept': 'IT' } }, context: ec({ Dept: 'IT' }) }, true],
    ['StringEquals is case-sensitive in the value', { condition: { StringEquals: { 'kms:EncryptionContext:Dept': 'IT' } }, context: ec({ Dept: 'it' }) }, false],
    ['the encryption-context key name is case-insensitive', { condition: { StringEquals: { 'kms:EncryptionContext:Dept': 'IT' } }, context: ec({ dEPT: 'IT' }) }, true],
    ['StringEquals on a missing key is false', { condition: { StringEquals: { 'kms:EncryptionContext:Dept': 'IT' } }, context: ec({}) }, false],
    ['several values are ORed', { condition: { StringEquals: { 'kms:EncryptionContext:Dept': ['IT', 'HR'] } }, context: ec({ Dept: 'HR' }) }, true],
    ['several keys are ANDed', { condition: { StringEquals: { 'kms:EncryptionContext:Dept': 'IT', 'kms:EncryptionContext:Project': 'X' } }, context: ec({ Dept: 'IT' }) }, false],
    ['several keys all present', { condition: { StringEquals: { 'kms:EncryptionContext:Dept': 'IT', 'kms:EncryptionContext:Project': 'X' } }, context: ec({ Dept: 'IT', Project: 'X' }) }, true],
    ['StringNotEquals with several values is an AND: one matches', { condition: { StringNotEquals: { 'kms:EncryptionContext:Dept': ['IT', 'HR'] } }, context: ec({ Dept: 'HR' }) }, false],
    ['StringNotEquals, none matches', { condition: { StringNotEquals: { 'kms:EncryptionContext:Dept': ['IT', 'HR'] } }, context: ec({ Dept: 'Ops' }) }, true],
    ['StringNotEquals on a missing key is true', { condition: { StringNotEquals: { 'kms:EncryptionContext:Dept': 'IT' } }, context: ec({}) }, true],
    ['StringEqualsIgnoreCase', { condition: { StringEqualsIgnoreCase: { 'kms:EncryptionContext:Dept': 'it' } }, context: ec({ Dept: 'IT' }) }, true],
    ['StringNotEqualsIgnoreCase', { condition: { StringNotEqualsIgnoreCase: { 'kms:EncryptionContext:Dept': 'it' } }, context: ec({ Dept: 'IT' }) }, false],
    ['StringLike with *', { condition: { StringLike: { 'kms:EncryptionContext:Dept': 'I*' } }, context: ec({ Dept: 'IT-ops' }) }, true],
    ['StringLike with ?', { condition: { StringLike: { 'kms:EncryptionContext:Dept': '?T' } }, context: ec({ Dept: 'IT' }) }, true],
    ['StringLike needs the whole string', { condition: { StringLike: { 'kms:EncryptionContext:Dept': 'I?' } }, context: ec({ Dept: 'ITX' }) }, false],
    ['StringEquals treats * literally', { condition: { StringEquals: { 'kms:EncryptionContext:Dept': 'I*' } }, context: ec({ Dept: 'IT' }) }, false],
    ['StringNotLike', { condition: { StringNotLike: { 'kms:EncryptionContext:Dept': 'I*' } }, context: ec({ Dept: 'HR' }) }, true],
    ['StringNotLike on a missing key is true', { condition: { StringNotLike: { 'kms:EncryptionContext:Dept': 'I*' } }, context: ec({}) }, true],
    ['StringEqualsIfExists on a missing key is true', { condition: { StringEqualsIfExists: { 'kms:EncryptionContext:Dept': 'IT' } }, context: ec({}) }, true],
    ['StringEqualsIfExists still checks a present key', { condition: { StringEqualsIfExists: { 'kms:EncryptionContext:Dept': 'IT' } }, context: ec({ Dept: 'HR' }) }, false],
    ['StringNotEqualsIfExists on a missing key is true', { condition: { StringNotEqualsIfExists: { 'kms:EncryptionContext:Dept': 'IT' } }, context: ec({}) }, true],
    ['condition key names are case-insensitive', { condition: { Bool: { 'AWS:securetransport': 'true' } } }, true],
  ])('%s', (_label, c, expected) => {
    expect(holds(c)).toBe(expected);
  });
});

describe('numeric and date operators', () => {
  // 2024-03-03T14:00:00Z is epoch 1709474400.
  it.each<[string, Case, boolean]>([
    ['NumericEquals', { condition: { NumericEquals: { 'aws:EpochTime': '1709474400' } } }, true],
    ['NumericNotEquals', { condition: { NumericNotEquals: { 'aws:EpochTime': 1709474400 } } }, false],
    ['NumericLessThan (strict)', { condition: { NumericLessThan: { 'aws:EpochTime': 1709474400 } } }, false],
    ['NumericLessThan', { condition: { NumericLessThan: { 'aws:EpochTime': 1709474401 } } }, true],
    ['NumericLessThanEquals', { condition: { NumericLessThanEquals: { 'aws:EpochTime': 1709474400 } } }, true],
    ['NumericGreaterThan', { condition: { NumericGreaterThan: { 'aws:EpochTime': 1709474399.5 } } }, true],
    ['NumericGreaterThanEquals', { condition: { NumericGreaterThanEquals: { 'aws:EpochTime': 1709474401 } } }, false],
    ['Numeric on a missing key is false', { condition: { NumericEquals: { 'kms:ValidTo': 1 } } }, false],
    ['NumericNotEquals on a missing key is true', { condition: { NumericNotEquals: { 'kms:ValidTo': 1 } } }, true],
    ['NumericLessThanIfExists on a missing key is true', { condition: { NumericLessThanIfExists: { 'kms:ValidTo': 1 } } }, true],
    ['Numeric reads extra keys', { condition: { NumericLessThanEquals: { 'kms:ValidTo': '1546257599.0' } }, context: { extraKeys: { 'kms:ValidTo': '1546257599' } } }, true],
    ['DateLessThan a day', { condition: { DateLessThan: { 'aws:CurrentTime': '2024-03-04' } } }, true],
    ['DateGreaterThan', { condition: { DateGreaterThan: { 'aws:CurrentTime': '2024-03-04T00:00:00Z' } } }, false],
    ['DateEquals an ISO time', { condition: { DateEquals: { 'aws:CurrentTime': '2024-03-03T14:00:00Z' } } }, true],
    ['DateEquals epoch seconds', { condition: { DateEquals: { 'aws:CurrentTime': '1709474400' } } }, true],
    ['DateNotEquals', { condition: { DateNotEquals: { 'aws:CurrentTime': '2024-03-03T14:00:00Z' } } }, false],
    ['DateLessThan honours the zone offset (15:00+02:00 is 13:00Z)', { condition: { DateLessThan: { 'aws:CurrentTime': '2024-03-03T15:00:00+02:00' } } }, false],
    ['DateGreaterThanEquals', { condition: { DateGreaterThanEquals: { 'aws:CurrentTime': '2024-03-03T14:00:00.000Z' } } }, true],
    ['DateLessThanEquals on aws:EpochTime', { condition: { DateLessThanEquals: { 'aws:EpochTime': '2024-03-03T14:00:00Z' } } }, true],
    ['Date on a missing time is false', { condition: { DateLessThan: { 'aws:CurrentTime': '2099-01-01' } }, context: { currentTime: undefined } as Partial<RequestContext> }, false],
  ])('%s', (_label, c, expected) => {
    expect(holds(c)).toBe(expected);
  });
});

describe('Bool, Null, Binary, IP address and ARN operators', () => {
  it.each<[string, Case, boolean]>([
    ['Bool true', { condition: { Bool: { 'aws:SecureTransport': true } } }, true],
    ['Bool false', { condition: { Bool: { 'aws:SecureTransport': 'false' } } }, false],
    ['Bool on a missing key is false', { condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } }, false],
    ['BoolIfExists on a missing key is true', { condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'true' } } }, true],
    ['Null true: the key is absent', { condition: { Null: { 'kms:EncryptionContextKeys': 'true' } }, context: ec({}) }, true],
    ['Null true: the key is present', { condition: { Null: { 'kms:EncryptionContextKeys': true } }, context: ec({ a: 'b' }) }, false],
    ['Null false: the key is present', { condition: { Null: { 'kms:EncryptionContextKeys': false } }, context: ec({ a: 'b' }) }, true],
    ['BinaryEquals', { condition: { BinaryEquals: { 'kms:Blob': 'aGVsbG8=' } }, context: { extraKeys: { 'kms:Blob': 'aGVsbG8=' } } }, true],
    ['BinaryEquals differs', { condition: { BinaryEquals: { 'kms:Blob': 'aGVsbG8=' } }, context: { extraKeys: { 'kms:Blob': 'aGVsbA==' } } }, false],
    ['IpAddress in range', { condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }, true],
    ['IpAddress out of range', { condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }, false],
    ['IpAddress, a bare address is /32', { condition: { IpAddress: { 'aws:SourceIp': '203.0.113.10' } } }, true],
    ['NotIpAddress', { condition: { NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.168.0.0/16'] } } }, true],
    ['NotIpAddress, in one of the ranges', { condition: { NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '203.0.113.0/25'] } } }, false],
    ['IpAddress with IPv6', { condition: { IpAddress: { 'aws:SourceIp': '2001:DB8:1234:5678::/64' } }, context: { sourceIp: '2001:db8:1234:5678::1' } }, true],
    ['IPv6 outside the range', { condition: { IpAddress: { 'aws:SourceIp': '2001:DB8:1234:5678::/64' } }, context: { sourceIp: '2001:db8:1234:5679::1' } }, false],
    ['an IPv4 address is not in an IPv6 range', { condition: { IpAddress: { 'aws:SourceIp': '::/0' } } }, false],
    ['IpAddress on a missing source IP is false', { condition: { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }, context: { sourceIp: undefined } as Partial<RequestContext> }, false],
    ['ArnLike with a wildcard resource part', { condition: { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:user/*` } } }, true],
    ['ArnEquals with a wildcard account segment', { condition: { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/alice' } } }, true],
    ['ArnLike: * does not cross a segment', { condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*' } } }, false],
    ['StringLike: * crosses segments', { condition: { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*' } } }, true],
    ['ArnNotLike', { condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::444455556666:*' } } }, true],
    ['ArnNotEquals on the caller', { condition: { ArnNotEquals: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:user/alice` } } }, false],
  ])('%s', (_label, c, expected) => {
    expect(holds(c)).toBe(expected);
  });
});

describe('ForAnyValue and ForAllValues on multi-valued keys', () => {
  const keys = (...names: string[]): Partial<RequestContext> => ec(Object.fromEntries(names.map((n) => [n, 'v'])));
  it.each<[string, Case, boolean]>([
    ['ForAllValues: every key listed', { condition: { 'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['Dept', 'Project'] } }, context: keys('Dept') }, true],
    ['ForAllValues: one key not listed', { condition: { 'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['Dept', 'Project'] } }, context: keys('Dept', 'Other') }, false],
    ['ForAllValues: a missing key is true', { condition: { 'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['Dept'] } }, context: keys() }, true],
    ['ForAnyValue: one key listed', { condition: { 'ForAnyValue:StringEquals': { 'kms:EncryptionContextKeys': 'Dept' } }, context: keys('Dept', 'Other') }, true],
    ['ForAnyValue: none listed', { condition: { 'ForAnyValue:StringEquals': { 'kms:EncryptionContextKeys': 'Dept' } }, context: keys('Other') }, false],
    ['ForAnyValue: a missing key is false', { condition: { 'ForAnyValue:StringEquals': { 'kms:EncryptionContextKeys': 'Dept' } }, context: keys() }, false],
    ['ForAnyValue...IfExists: a missing key is true', { condition: { 'ForAnyValue:StringEqualsIfExists': { 'kms:EncryptionContextKeys': 'Dept' } }, context: keys() }, true],
    ['ForAllValues:StringNotLike: no key matches', { condition: { 'ForAllValues:StringNotLike': { 'kms:EncryptionContextKeys': 'tmp*' } }, context: keys('Dept', 'Project') }, true],
    ['ForAllValues:StringNotLike: one key matches', { condition: { 'ForAllValues:StringNotLike': { 'kms:EncryptionContextKeys': 'tmp*' } }, context: keys('Dept', 'tmpX') }, false],
    ['ForAllValues:StringNotLike: a missing key is true', { condition: { 'ForAllValues:StringNotLike': { 'kms:EncryptionContextKeys': 'tmp*' } }, context: keys() }, true],
    ['ForAnyValue:StringNotEquals: every key listed', { condition: { 'ForAnyValue:StringNotEquals': { 'kms:EncryptionContextKeys': 'Dept' } }, context: keys('Dept') }, false],
    ['ForAnyValue:StringNotEquals: one key not listed', { condition: { 'ForAnyValue:StringNotEquals': { 'kms:EncryptionContextKeys': 'Dept' } }, context: keys('Dept', 'X') }, true],
    ['unqualified on a multi-valued key: any value matches', { condition: { StringEquals: { 'kms:EncryptionContextKeys': 'Dept' } }, context: keys('Other', 'Dept') }, true],
    ['ForAnyValue:StringLike on aliases', { condition: { 'ForAnyValue:StringLike': { 'kms:ResourceAliases': 'alias/finance-*' } }, key: { aliases: ['alias/x', 'alias/finance-key'] } }, true],
    ['ForAllValues:StringLike on aliases', { condition: { 'ForAllValues:StringLike': { 'kms:ResourceAliases': 'alias/*Test*' } }, key: { aliases: ['alias/Test1', 'alias/prod'] } }, false],
    ['ForAllValues on a key without aliases is true', { condition: { 'ForAllValues:StringLike': { 'kms:ResourceAliases': 'alias/*Test*' } }, key: { aliases: [] } }, true],
    ['ForAllValues on aws:TagKeys', { condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['Env', 'Owner'] } }, action: 'kms:TagResource', context: { requestTags: { Env: 'prod' } } }, true],
    ['ForAllValues on aws:TagKeys with a tag not listed', { condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['Env'] } }, action: 'kms:TagResource', context: { requestTags: { Env: 'prod', Cost: '1' } } }, false],
  ])('%s', (_label, c, expected) => {
    expect(holds(c)).toBe(expected);
  });
});

describe('policy variables', () => {
  it.each<[string, Case, boolean]>([
    ['${aws:username} resolves to the user name', { condition: { StringEquals: { 'kms:EncryptionContext:user': '${aws:username}' } }, context: ec({ user: 'alice' }) }, true],
    ['${aws:username} for another user', { condition: { StringEquals: { 'kms:EncryptionContext:user': '${aws:username}' } }, context: ec({ user: 'bob' }) }, false],
    ['a role session has no aws:username: the statement does not apply', { condition: { StringEquals: { 'kms:EncryptionContext:user': '${aws:username}' } }, caller: session('R', 's'), context: ec({ user: '' }) }, false],
    ['a default value stands in', { condition: { StringEquals: { 'kms:EncryptionContext:user': "${aws:username, 'nobody'}" } }, caller: session('R', 's'), context: ec({ user: 'nobody' }) }, true],
    ['${aws:userid} of a role session', { condition: { StringLike: { 'kms:EncryptionContext:owner': '${aws:userid}' } }, caller: session('R', 's'), context: ec({ owner: 'AROAR:s' }) }, true],
    ['variables are literal text in the 2008 language', { condition: { StringEquals: { 'kms:EncryptionContext:user': '${aws:username}' } }, context: ec({ user: '${aws:username}' }), version: null }, true],
    ['${*} is a literal asterisk', { condition: { StringLike: { 'kms:EncryptionContext:p': 'a${*}' } }, context: ec({ p: 'a*' }) }, true],
    ['${*} does not act as a wildcard', { condition: { StringLike: { 'kms:EncryptionContext:p': 'a${*}' } }, context: ec({ p: 'ab' }) }, false],
    ['variables in ARN operators', { condition: { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::${aws:PrincipalAccount}:user/${aws:username}' } } }, true],
  ])('%s', (_label, c, expected) => {
    expect(holds(c)).toBe(expected);
  });

  it('resolves variables in Resource', () => {
    const statement = { Effect: 'Allow', Action: 'kms:Decrypt', Resource: 'arn:aws:kms:us-east-1:${aws:PrincipalAccount}:key/*' };
    const key = keyFromPolicy(doc([{ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'kms:*', Resource: '*' }]));
    const identityPolicies = [{ name: 'Own', document: parsePolicyDocument(doc([statement]), { kind: 'identity' }) }];
    expect(authorize(request({ caller: alice, key, identityPolicies })).effect).toBe('Allow');
    expect(authorize(request({ caller: user('zed', '999999999999'), key, identityPolicies })).effect).toBe('Deny');
  });
});

describe('KMS and global condition keys', () => {
  it.each<[string, Case, boolean]>([
    ['kms:CallerAccount', { condition: { StringEquals: { 'kms:CallerAccount': ACCOUNT } } }, true],
    ['kms:ViaService present', { condition: { StringEquals: { 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' } }, context: { viaService: 'ec2.us-east-1.amazonaws.com' } }, true],
    ['kms:ViaService absent', { condition: { StringEquals: { 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' } } }, false],
    ['kms:KeySpec of the key', { condition: { StringEquals: { 'kms:KeySpec': 'SYMMETRIC_DEFAULT' } } }, true],
    ['kms:CustomerMasterKeySpec is the same key', { condition: { StringLike: { 'kms:CustomerMasterKeySpec': 'RSA_*' } }, key: { keySpec: 'RSA_2048' } }, true],
    ['kms:KeyOrigin', { condition: { StringEquals: { 'kms:KeyOrigin': 'EXTERNAL' } } }, false],
    ['kms:KeyUsage', { condition: { StringEquals: { 'kms:KeyUsage': 'ENCRYPT_DECRYPT' } } }, true],
    ['kms:RequestAlias', { condition: { StringEquals: { 'kms:RequestAlias': 'alias/finance-key' } }, context: { requestAlias: 'alias/finance-key' } }, true],
    ['kms:RequestAlias when the key id was used', { condition: { StringEquals: { 'kms:RequestAlias': 'alias/finance-key' } } }, false],
    ['kms:EncryptionAlgorithm', { condition: { StringEquals: { 'kms:EncryptionAlgorithm': 'SYMMETRIC_DEFAULT' } }, context: { encryptionAlgorithm: 'SYMMETRIC_DEFAULT' } }, true],
    ['kms:ReEncryptOnSameKey', { condition: { Bool: { 'kms:ReEncryptOnSameKey': true } }, action: 'kms:ReEncryptFrom', context: { reEncryptOnSameKey: false } }, false],
    ['kms:GrantIsForAWSResource', { condition: { Bool: { 'kms:GrantIsForAWSResource': true } }, action: 'kms:ListGrants', context: { grantIsForAwsResource: true } }, true],
    ['kms:BypassPolicyLockoutSafetyCheck', { condition: { Bool: { 'kms:BypassPolicyLockoutSafetyCheck': true } }, action: 'kms:PutKeyPolicy', context: { bypassPolicyLockoutSafetyCheck: true } }, true],
    ['aws:PrincipalAccount', { condition: { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } } }, true],
    ['aws:PrincipalType of a user', { condition: { StringEquals: { 'aws:PrincipalType': 'User' } } }, true],
    ['aws:PrincipalType of a role session', { condition: { StringEquals: { 'aws:PrincipalType': 'AssumedRole' } }, caller: session('R', 's') }, true],
    ['aws:PrincipalArn of a role session is the role', { condition: { StringEquals: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/R` } }, caller: session('R', 's') }, true],
    ['aws:userid', { condition: { StringEquals: { 'aws:userid': 'AIDAALICE' } } }, true],
    ['aws:username', { condition: { StringEquals: { 'aws:username': 'alice' } } }, true],
    ['aws:RequestTag/<key>', { condition: { StringEquals: { 'aws:RequestTag/Env': 'prod' } }, action: 'kms:TagResource', context: { requestTags: { Env: 'prod' } } }, true],
    ['aws:ResourceTag/<key>', { condition: { StringEquals: { 'aws:ResourceTag/Env': 'prod' } }, key: { tags: { Env: 'dev' } } }, false],
    ['kms:GrantOperations: only operations listed', { condition: { 'ForAllValues:StringEquals': { 'kms:GrantOperations': ['Encrypt', 'ReEncryptTo'] } }, action: 'kms:CreateGrant', context: { grant: { operations: ['Encrypt'], granteePrincipal: ACCOUNT } } }, true],
    ['kms:GrantOperations: one operation not listed', { condition: { 'ForAllValues:StringEquals': { 'kms:GrantOperations': ['Encrypt', 'ReEncryptTo'] } }, action: 'kms:CreateGrant', context: { grant: { operations: ['Encrypt', 'Decrypt'], granteePrincipal: ACCOUNT } } }, false],
    ['kms:GranteePrincipal', { condition: { StringEquals: { 'kms:GranteePrincipal': `arn:aws:iam::${ACCOUNT}:role/Limited` } }, action: 'kms:CreateGrant', context: { grant: { operations: ['Decrypt'], granteePrincipal: `arn:aws:iam::${ACCOUNT}:role/Limited` } } }, true],
    ['kms:RetiringPrincipal absent', { condition: { StringEquals: { 'kms:RetiringPrincipal': `arn:aws:iam::${ACCOUNT}:role/Ops` } }, action: 'kms:CreateGrant', context: { grant: { operations: ['Decrypt'], granteePrincipal: ACCOUNT } } }, false],
    ['kms:GrantConstraintType', { condition: { StringEquals: { 'kms:GrantConstraintType': 'EncryptionContextEquals' } }, action: 'kms:CreateGrant', context: { grant: { operations: ['Decrypt'], granteePrincipal: ACCOUNT, constraints: { encryptionContextEquals: { a: 'b' } } } } }, true],
    ['kms:EncryptionContext:<key> reads the constraints of the grant asked for', { condition: { StringEquals: { 'kms:EncryptionContext:Dept': 'IT' } }, action: 'kms:CreateGrant', context: { grant: { operations: ['Decrypt'], granteePrincipal: ACCOUNT, constraints: { encryptionContextSubset: { Dept: 'IT' } } } } }, true],
    ['ArnLike with a lone * matches any ARN', { condition: { ArnLike: { 'aws:PrincipalArn': '*' } } }, true],
    ['aws:ResourceTag/<key> from a Map of tags', { condition: { StringEquals: { 'aws:ResourceTag/Env': 'prod' } }, key: { tags: new Map([['Env', 'prod']]) } }, true],
  ])('%s', (_label, c, expected) => {
    expect(holds(c)).toBe(expected);
  });
});

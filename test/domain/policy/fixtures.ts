import type { Grant } from '../../../src/domain/key/grant.js';
import {
  parsePolicyDocument,
  type AuthorizationRequest,
  type IdentityPolicy,
  type KeyFacts,
  type Principal,
  type RequestContext,
} from '../../../src/domain/policy/index.js';

export const ACCOUNT = '111122223333';
export const OTHER = '444455556666';
export const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
export const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/${KEY_ID}`;

export function root(account = ACCOUNT): Principal {
  return { type: 'Root', arn: `arn:aws:iam::${account}:root`, accountId: account, principalId: account };
}

export function user(name: string, account = ACCOUNT): Principal {
  return { type: 'IAMUser', arn: `arn:aws:iam::${account}:user/${name}`, accountId: account, userName: name, principalId: `AIDA${name.toUpperCase()}` };
}

export function session(role: string, name: string, account = ACCOUNT): Principal {
  return {
    type: 'AssumedRole',
    arn: `arn:aws:sts::${account}:assumed-role/${role}/${name}`,
    accountId: account,
    principalId: `AROA${role.toUpperCase()}:${name}`,
    sessionName: name,
  };
}

export function service(name: string): Principal {
  return { type: 'AWSService', arn: name, accountId: ACCOUNT, servicePrincipal: name };
}

export function doc(statements: readonly object[], version: string | null = '2012-10-17'): string {
  return JSON.stringify(version === null ? { Statement: statements } : { Version: version, Statement: statements });
}

export function keyWith(statements: readonly object[], extra: Partial<KeyFacts> = {}): KeyFacts {
  return keyFromPolicy(doc(statements), extra);
}

export function keyFromPolicy(policyText: string, extra: Partial<KeyFacts> = {}): KeyFacts {
  return {
    arn: KEY_ARN,
    keyId: KEY_ID,
    accountId: ACCOUNT,
    keySpec: 'SYMMETRIC_DEFAULT',
    keyUsage: 'ENCRYPT_DECRYPT',
    origin: 'AWS_KMS',
    policy: parsePolicyDocument(policyText),
    ...extra,
  };
}

export function identity(name: string, statements: readonly object[]): IdentityPolicy {
  return { name, document: parsePolicyDocument(doc(statements), { kind: 'identity' }) };
}

export const allowRootAll = { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' };

export const allowAllKms = { Effect: 'Allow', Action: 'kms:*', Resource: '*' };

export function request(partial: Partial<AuthorizationRequest> & Pick<AuthorizationRequest, 'caller'>): AuthorizationRequest {
  const context: RequestContext = { currentTime: '2024-03-03T14:00:00Z', sourceIp: '203.0.113.10', secureTransport: true };
  return { action: 'kms:Decrypt', identityPolicies: [], context, ...partial };
}

export function grant(partial: Partial<Grant> & Pick<Grant, 'granteePrincipal' | 'operations'>): Grant {
  return {
    grantId: 'a'.repeat(64),
    keyId: KEY_ID,
    issuingPrincipal: `arn:aws:iam::${ACCOUNT}:user/admin`,
    issuingAccount: `arn:aws:iam::${ACCOUNT}:root`,
    creationDate: '2024-01-01T00:00:00Z',
    ...partial,
  };
}

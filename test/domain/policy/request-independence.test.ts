import { describe, expect, it } from 'vitest';
import { decidedWithoutRequestContext, defaultKeyPolicy, parsePolicyDocument } from '../../../src/domain/policy/index.js';
import { ACCOUNT } from './fixtures.js';

const identity = (statement: object, version = '2012-10-17') =>
  parsePolicyDocument(JSON.stringify({ ...(version === '' ? {} : { Version: version }), Statement: [statement] }), { kind: 'identity' });

describe('documents decided without the request context', () => {
  it('the default key policy and a plain Allow need nothing from the request', () => {
    expect(decidedWithoutRequestContext(parsePolicyDocument(defaultKeyPolicy(ACCOUNT), { kind: 'key' }))).toBe(true);
    expect(decidedWithoutRequestContext(identity({ Effect: 'Allow', Action: 'kms:*', Resource: '*' }))).toBe(true);
  });

  it('any Condition reads the request', () => {
    const conditioned = { Effect: 'Deny', Action: 'kms:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
    expect(decidedWithoutRequestContext(identity(conditioned))).toBe(false);
  });

  it('a variable in Resource or NotResource reads the context, in the language that has variables', () => {
    const resource = { Effect: 'Allow', Action: 'kms:Encrypt', Resource: 'arn:aws:kms:*:*:key/${aws:username}' };
    expect(decidedWithoutRequestContext(identity(resource))).toBe(false);
    expect(decidedWithoutRequestContext(identity({ Effect: 'Deny', Action: 'kms:Encrypt', NotResource: 'arn:aws:kms:*:${aws:PrincipalAccount}:key/*' }))).toBe(false);
    // In the 2008-10-17 language "${...}" is literal text.
    expect(decidedWithoutRequestContext(identity(resource, '2008-10-17'))).toBe(true);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandHandler } from '../../../src/application/command-handler.js';
import { createIdentityDirectory } from '../../../src/domain/identity/identity-directory.js';
import { identityDirectoryStream } from '../../../src/domain/identity/identity-stream.js';
import type { IdentityCommand } from '../../../src/domain/identity/identity-commands.js';
import { ACCOUNT_A, ALICE, ALL_KMS, CAROL, KmsFixture, ROOT_A } from './support/kms-fixture.js';

/**
 * Live decisions are remembered per key state and identity-policy list: these ask the same
 * question again after each kind of change, and with request facts that a remembered
 * answer must not hide.
 */
const text = (s: string) => new Uint8Array(Buffer.from(s));
const ROOT_STATEMENT = { Sid: 'root', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT_A}:root` }, Action: 'kms:*', Resource: '*' };
const policyOf = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: [ROOT_STATEMENT, ...statements] });

describe('remembered authorization decisions', () => {
  let kms: KmsFixture;
  beforeEach(async () => {
    kms = new KmsFixture();
    await kms.identity(ALICE, { admin: ALL_KMS });
    await kms.identity(CAROL);
  });
  const changeIdentity = (command: IdentityCommand) =>
    kms.container.get(CommandHandler).handle(createIdentityDirectory(), identityDirectoryStream(ACCOUNT_A), command, kms.context(ROOT_A, 'IdentityChange'));
  const inlinePolicy = (user: typeof ALICE, policyName: string) => ({ accountId: ACCOUNT_A, principalType: 'User' as const, principalName: user.userName!, policyName });
  afterEach(async () => {
    await kms.close();
  });

  const encrypt = (caller = ALICE, keyId: string, context?: Record<string, string>, extra: Record<string, unknown> = {}) =>
    kms.errorOf(caller, 'Encrypt', { KeyId: keyId, Plaintext: text('x'), ...(context === undefined ? {} : { EncryptionContext: context }), ...extra }).then(
      (e) => e.code,
    );
  const allowed = async (caller: typeof ALICE, keyId: string, context?: Record<string, string>, extra: Record<string, unknown> = {}) => {
    await kms.invoke(caller, 'Encrypt', { KeyId: keyId, Plaintext: text('x'), ...(context === undefined ? {} : { EncryptionContext: context }), ...extra });
    return 'allowed';
  };

  it('a key policy change takes effect on the next call, both ways', async () => {
    const { keyId } = await kms.createKey();
    expect(await allowed(ALICE, keyId)).toBe('allowed');
    expect(await allowed(ALICE, keyId)).toBe('allowed');
    const deny = { Effect: 'Deny', Principal: { AWS: ALICE.arn }, Action: 'kms:Encrypt', Resource: '*' };
    await kms.invoke(ROOT_A, 'PutKeyPolicy', { KeyId: keyId, PolicyName: 'default', Policy: policyOf(deny) });
    expect(await encrypt(ALICE, keyId)).toBe('AccessDeniedException');
    expect(await encrypt(ALICE, keyId)).toBe('AccessDeniedException');
    await kms.invoke(ROOT_A, 'PutKeyPolicy', { KeyId: keyId, PolicyName: 'default', Policy: policyOf() });
    expect(await allowed(ALICE, keyId)).toBe('allowed');
  });

  it('an identity policy deleted or put takes effect on the next call', async () => {
    const { keyId } = await kms.createKey();
    expect(await allowed(ALICE, keyId)).toBe('allowed');
    await changeIdentity({ type: 'DeleteIdentityPolicy', ...inlinePolicy(ALICE, 'admin') });
    expect(await encrypt(ALICE, keyId)).toBe('AccessDeniedException');
    await changeIdentity({ type: 'PutIdentityPolicy', ...inlinePolicy(CAROL, 'use'), policyDocument: ALL_KMS });
    expect(await encrypt(ALICE, keyId)).toBe('AccessDeniedException');
    expect(await allowed(CAROL, keyId)).toBe('allowed');
    await changeIdentity({ type: 'PutIdentityPolicy', ...inlinePolicy(ALICE, 'admin'), policyDocument: ALL_KMS });
    expect(await allowed(ALICE, keyId)).toBe('allowed');
  });

  it('the same caller and key are decided apart per action and per caller', async () => {
    const deny = { Effect: 'Deny', Principal: { AWS: ALICE.arn }, Action: 'kms:GenerateDataKey', Resource: '*' };
    const { keyId } = await kms.createKey(ROOT_A, { Policy: policyOf(deny) });
    expect(await allowed(ALICE, keyId)).toBe('allowed');
    expect((await kms.errorOf(ALICE, 'GenerateDataKey', { KeyId: keyId, KeySpec: 'AES_256' })).code).toBe('AccessDeniedException');
    expect(await encrypt(CAROL, keyId)).toBe('AccessDeniedException');
    expect(await allowed(ROOT_A, keyId)).toBe('allowed');
  });

  it('grant constraints are decided for each encryption context, and a revoked grant allows no more', async () => {
    const { keyId } = await kms.createKey();
    const grant = await kms.invoke(ROOT_A, 'CreateGrant', {
      KeyId: keyId,
      GranteePrincipal: CAROL.arn,
      Operations: ['Encrypt'],
      Constraints: { EncryptionContextSubset: { dept: 'hr' } },
    });
    expect(await allowed(CAROL, keyId, { dept: 'hr' })).toBe('allowed');
    expect(await encrypt(CAROL, keyId, { dept: 'it' })).toBe('AccessDeniedException');
    expect(await allowed(CAROL, keyId, { dept: 'hr' })).toBe('allowed');
    expect(await encrypt(CAROL, keyId)).toBe('AccessDeniedException');
    expect(await allowed(CAROL, keyId, { dept: 'hr' }, { GrantTokens: [grant['GrantToken']] })).toBe('allowed');
    await kms.invoke(ROOT_A, 'RevokeGrant', { KeyId: keyId, GrantId: grant['GrantId'] });
    expect(await encrypt(CAROL, keyId, { dept: 'hr' })).toBe('AccessDeniedException');
  });

  it('conditions read every request afresh: time and encryption context', async () => {
    const cutoff = '2031-05-04T13:00:00Z';
    const statements = [
      { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'kms:Encrypt', Resource: '*', Condition: { DateGreaterThan: { 'aws:CurrentTime': cutoff } } },
      { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'kms:Encrypt', Resource: '*', Condition: { StringEquals: { 'kms:EncryptionContext:tier': 'secret' } } },
    ];
    const { keyId } = await kms.createKey(ROOT_A, { Policy: policyOf(...statements) });
    expect(await allowed(ALICE, keyId, { tier: 'open' })).toBe('allowed');
    expect(await encrypt(ALICE, keyId, { tier: 'secret' })).toBe('AccessDeniedException');
    expect(await allowed(ALICE, keyId, { tier: 'open' })).toBe('allowed');
    kms.time = '2031-05-04T13:00:01.000Z';
    expect(await encrypt(ALICE, keyId, { tier: 'open' })).toBe('AccessDeniedException');
  });

  it('a policy variable in a Resource is resolved for the caller', async () => {
    const { keyId } = await kms.createKey();
    const inAccountOf = (variable: string) =>
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Encrypt', Resource: `arn:aws:kms:*:\${${variable}}:key/*` }] });
    await changeIdentity({ type: 'PutIdentityPolicy', ...inlinePolicy(CAROL, 'own'), policyDocument: inAccountOf('aws:PrincipalAccount') });
    expect(await allowed(CAROL, keyId)).toBe('allowed');
    expect(await allowed(CAROL, keyId)).toBe('allowed');
    await changeIdentity({ type: 'PutIdentityPolicy', ...inlinePolicy(CAROL, 'own'), policyDocument: inAccountOf('aws:username') });
    expect(await encrypt(CAROL, keyId)).toBe('AccessDeniedException');
  });
});

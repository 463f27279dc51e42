import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DRY_RUN_MESSAGE } from '../../../src/application/kms/dry-run.js';
import type { RecordedEvent } from '../../../src/application/ports/event-store.js';
import { ALICE, KmsFixture, ROOT_A } from './support/kms-fixture.js';

const text = (s: string) => new Uint8Array(Buffer.from(s));
const CONTEXT = { purpose: 'dry-run' };

describe('DryRun', () => {
  let kms: KmsFixture;
  let keyId: string;
  let blob: Uint8Array;

  beforeEach(async () => {
    kms = new KmsFixture();
    keyId = (await kms.createKey()).keyId;
    blob = (await kms.invoke(ROOT_A, 'Encrypt', { KeyId: keyId, Plaintext: text('secret'), EncryptionContext: CONTEXT }))['CiphertextBlob'] as Uint8Array;
  });
  afterEach(async () => {
    await kms.close();
  });

  /**
   * Runs the call and returns its error code, checking that it left exactly one record (a
   * call record naming that error) and nothing else: no domain event, no key material.
   */
  async function dryRun(operation: string, input: Record<string, unknown>, caller = ROOT_A): Promise<string> {
    const before = await kms.events();
    const { code, message } = await kms.errorOf(caller, operation, { ...input, DryRun: true });
    if (code === 'DryRunOperationException') expect(message).toBe(DRY_RUN_MESSAGE);
    const added = (await kms.events()).slice(before.length);
    expect(added.map((e: RecordedEvent) => [e.type, (e.data as { errorCode?: string }).errorCode])).toEqual([['KmsCallRecorded', code]]);
    expect(added[0]!.metadata['requestId']).toBe(kms.lastCall!.requestId);
    return code;
  }

  it('answers Encrypt that would succeed with DryRunOperationException, and returns no ciphertext', async () => {
    expect(await dryRun('Encrypt', { KeyId: keyId, Plaintext: text('hello'), EncryptionContext: CONTEXT })).toBe('DryRunOperationException');
  });

  it('answers an Encrypt that would fail with its error: validation, access, key state', async () => {
    expect(await dryRun('Encrypt', { KeyId: keyId, Plaintext: new Uint8Array(4097) })).toBe('ValidationException');
    expect(await dryRun('Encrypt', { KeyId: 'alias/none', Plaintext: text('x') })).toBe('NotFoundException');
    await kms.identity(ALICE);
    expect(await dryRun('Encrypt', { KeyId: keyId, Plaintext: text('x') }, ALICE)).toBe('AccessDeniedException');
    await kms.invoke(ROOT_A, 'DisableKey', { KeyId: keyId });
    expect(await dryRun('Encrypt', { KeyId: keyId, Plaintext: text('x') })).toBe('DisabledException');
  });

  it('checks the ciphertext of Decrypt, unless IGNORE_CIPHERTEXT, which then needs the KeyId', async () => {
    expect(await dryRun('Decrypt', { CiphertextBlob: blob, EncryptionContext: CONTEXT })).toBe('DryRunOperationException');
    expect(await dryRun('Decrypt', { CiphertextBlob: blob, EncryptionContext: { purpose: 'other' } })).toBe('InvalidCiphertextException');
    expect(await dryRun('Decrypt', { KeyId: keyId, DryRunModifiers: ['IGNORE_CIPHERTEXT'] })).toBe('DryRunOperationException');
    expect(await dryRun('Decrypt', { DryRunModifiers: ['IGNORE_CIPHERTEXT'] })).toBe('ValidationException');
    await kms.identity(ALICE);
    expect(await dryRun('Decrypt', { KeyId: keyId, DryRunModifiers: ['IGNORE_CIPHERTEXT'] }, ALICE)).toBe('AccessDeniedException');
  });

  it('runs ReEncrypt up to sealing under the destination key', async () => {
    const destination = (await kms.createKey()).keyId;
    const input = { CiphertextBlob: blob, SourceEncryptionContext: CONTEXT, DestinationKeyId: destination };
    expect(await dryRun('ReEncrypt', input)).toBe('DryRunOperationException');
    expect(await dryRun('ReEncrypt', { DestinationKeyId: destination, SourceKeyId: keyId, DryRunModifiers: ['IGNORE_CIPHERTEXT'] })).toBe('DryRunOperationException');
    await kms.invoke(ROOT_A, 'DisableKey', { KeyId: destination });
    expect(await dryRun('ReEncrypt', input)).toBe('DisabledException');
  });

  it('makes no data key in GenerateDataKey and GenerateDataKeyWithoutPlaintext', async () => {
    expect(await dryRun('GenerateDataKey', { KeyId: keyId, KeySpec: 'AES_256' })).toBe('DryRunOperationException');
    expect(await dryRun('GenerateDataKeyWithoutPlaintext', { KeyId: keyId, NumberOfBytes: 16 })).toBe('DryRunOperationException');
    expect(await dryRun('GenerateDataKey', { KeyId: keyId })).toBe('ValidationException');
  });

  it('decides CreateGrant on the key without creating the grant', async () => {
    const grant = { KeyId: keyId, GranteePrincipal: ALICE.arn, Operations: ['Decrypt'] };
    expect(await dryRun('CreateGrant', grant)).toBe('DryRunOperationException');
    expect(await dryRun('CreateGrant', { ...grant, Operations: ['CreateKey'] })).toBe('ValidationException');
    expect(await kms.invoke(ROOT_A, 'ListGrants', { KeyId: keyId })).toMatchObject({ Grants: [] });
  });

  it('leaves a grant in place when RetireGrant or RevokeGrant is a dry run', async () => {
    const { GrantId: grantId } = await kms.invoke(ROOT_A, 'CreateGrant', { KeyId: keyId, GranteePrincipal: ALICE.arn, Operations: ['Decrypt'] });
    expect(await dryRun('RevokeGrant', { KeyId: keyId, GrantId: grantId })).toBe('DryRunOperationException');
    expect(await dryRun('RetireGrant', { KeyId: keyId, GrantId: grantId })).toBe('DryRunOperationException');
    expect(await dryRun('RevokeGrant', { KeyId: keyId, GrantId: 'f'.repeat(64) })).toBe('NotFoundException');
    expect(await kms.invoke(ROOT_A, 'ListGrants', { KeyId: keyId })).toMatchObject({ Grants: [{ GrantId: grantId }] });
  });

  it('refuses DryRun on an operation that does not take it, without acting', async () => {
    expect(await dryRun('DisableKey', { KeyId: keyId })).toBe('UnsupportedOperationException');
    expect(await kms.invoke(ROOT_A, 'DescribeKey', { KeyId: keyId })).toMatchObject({ KeyMetadata: { KeyState: 'Enabled' } });
  });
});

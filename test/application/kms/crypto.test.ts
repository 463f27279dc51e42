import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT_A, KmsFixture, REGION, ROOT_A } from './support/kms-fixture.js';

const text = (s: string) => new Uint8Array(Buffer.from(s));
const str = (b: unknown) => Buffer.from(b as Uint8Array).toString();

describe('KMS cryptographic operations', () => {
  let kms: KmsFixture;
  beforeEach(() => {
    kms = new KmsFixture();
  });
  afterEach(async () => {
    await kms.close();
  });

  it('Encrypt and Decrypt round-trip, binding the encryption context', async () => {
    const { keyId, arn } = await kms.createKey();
    const context = { purpose: 'payroll', month: '2031-05' };
    const encrypted = await kms.invoke(ROOT_A, 'Encrypt', { KeyId: keyId, Plaintext: text('attack at dawn'), EncryptionContext: context });
    expect(encrypted).toEqual({ CiphertextBlob: expect.any(Uint8Array), KeyId: arn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
    const blob = encrypted['CiphertextBlob'] as Uint8Array;

    const decrypted = await kms.invoke(ROOT_A, 'Decrypt', { CiphertextBlob: blob, EncryptionContext: { month: '2031-05', purpose: 'payroll' } });
    expect(decrypted).toEqual({ KeyId: arn, Plaintext: expect.any(Uint8Array), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
    expect(str(decrypted['Plaintext'])).toBe('attack at dawn');

    expect((await kms.errorOf(ROOT_A, 'Decrypt', { CiphertextBlob: blob })).code).toBe('InvalidCiphertextException');
    expect((await kms.errorOf(ROOT_A, 'Decrypt', { CiphertextBlob: blob, EncryptionContext: { purpose: 'other', month: '2031-05' } })).code).toBe(
      'InvalidCiphertextException',
    );
    const tampered = Uint8Array.from(blob);
    tampered[tampered.length - 1]! ^= 1;
    expect((await kms.errorOf(ROOT_A, 'Decrypt', { CiphertextBlob: tampered, EncryptionContext: context })).code).toBe('InvalidCiphertextException');
    expect((await kms.errorOf(ROOT_A, 'Decrypt', { CiphertextBlob: text('not a blob at all') })).code).toBe('InvalidCiphertextException');
  });

  it('Decrypt with a KeyId must name the key of the ciphertext', async () => {
    const first = await kms.createKey();
    const second = await kms.createKey();
    await kms.invoke(ROOT_A, 'CreateAlias', { AliasName: 'alias/first', TargetKeyId: first.keyId });
    const blob = (await kms.invoke(ROOT_A, 'Encrypt', { KeyId: 'alias/first', Plaintext: text('x') }))['CiphertextBlob'];
    for (const name of [first.keyId, first.arn, 'alias/first']) {
      expect(str((await kms.invoke(ROOT_A, 'Decrypt', { CiphertextBlob: blob, KeyId: name }))['Plaintext'])).toBe('x');
    }
    expect(await kms.errorOf(ROOT_A, 'Decrypt', { CiphertextBlob: blob, KeyId: second.keyId })).toEqual({
      code: 'IncorrectKeyException',
      message: 'The key ID in the request does not identify a CMK that can perform this operation.',
    });
  });

  it('keeps decrypting ciphertexts made before a rotation, and encrypts under the new version', async () => {
    const { keyId } = await kms.createKey();
    const before = (await kms.invoke(ROOT_A, 'Encrypt', { KeyId: keyId, Plaintext: text('version one') }))['CiphertextBlob'] as Uint8Array;
    await kms.invoke(ROOT_A, 'RotateKeyOnDemand', { KeyId: keyId });
    const after = (await kms.invoke(ROOT_A, 'Encrypt', { KeyId: keyId, Plaintext: text('version two') }))['CiphertextBlob'] as Uint8Array;
    expect(str((await kms.invoke(ROOT_A, 'Decrypt', { CiphertextBlob: before }))['Plaintext'])).toBe('version one');
    expect(str((await kms.invoke(ROOT_A, 'Decrypt', { CiphertextBlob: after }))['Plaintext'])).toBe('version two');
    // The blob names its backing-key version: 1 before the rotation, 2 after.
    const versionOf = (blob: Uint8Array) => Buffer.from(blob).readUInt32BE(4 + keyId.length);
    expect([versionOf(before), versionOf(after)]).toEqual([1, 2]);
  });

  it('ReEncrypt moves a ciphertext to another key and context', async () => {
    const source = await kms.createKey();
    const destination = await kms.createKey();
    const blob = (await kms.invoke(ROOT_A, 'Encrypt', { KeyId: source.keyId, Plaintext: text('moving'), EncryptionContext: { a: '1' } }))['CiphertextBlob'];
    const moved = await kms.invoke(ROOT_A, 'ReEncrypt', {
      CiphertextBlob: blob,
      SourceEncryptionContext: { a: '1' },
      DestinationKeyId: destination.arn,
      DestinationEncryptionContext: { b: '2' },
    });
    expect(moved).toEqual({
      CiphertextBlob: expect.any(Uint8Array),
      SourceKeyId: source.arn,
      KeyId: destination.arn,
      SourceEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      DestinationEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
    });
    const back = await kms.invoke(ROOT_A, 'Decrypt', { CiphertextBlob: moved['CiphertextBlob'], EncryptionContext: { b: '2' } });
    expect(back['KeyId']).toBe(destination.arn);
    expect(str(back['Plaintext'])).toBe('moving');
    expect((await kms.errorOf(ROOT_A, 'ReEncrypt', { CiphertextBlob: blob, SourceKeyId: destination.keyId, DestinationKeyId: destination.keyId })).code).toBe(
      'IncorrectKeyException',
    );
  });

  it('GenerateDataKey returns a data key and its ciphertext; WithoutPlaintext only the ciphertext', async () => {
    const { keyId, arn } = await kms.createKey();
    const withPlaintext = await kms.invoke(ROOT_A, 'GenerateDataKey', { KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: { app: 'x' } });
    expect(withPlaintext).toEqual({ CiphertextBlob: expect.any(Uint8Array), Plaintext: expect.any(Uint8Array), KeyId: arn });
    expect((withPlaintext['Plaintext'] as Uint8Array).length).toBe(32);
    const unwrapped = await kms.invoke(ROOT_A, 'Decrypt', { CiphertextBlob: withPlaintext['CiphertextBlob'], EncryptionContext: { app: 'x' } });
    expect(Buffer.from(unwrapped['Plaintext'] as Uint8Array).equals(Buffer.from(withPlaintext['Plaintext'] as Uint8Array))).toBe(true);

    expect(((await kms.invoke(ROOT_A, 'GenerateDataKey', { KeyId: keyId, KeySpec: 'AES_128' }))['Plaintext'] as Uint8Array).length).toBe(16);
    expect(((await kms.invoke(ROOT_A, 'GenerateDataKey', { KeyId: keyId, NumberOfBytes: 1024 }))['Plaintext'] as Uint8Array).length).toBe(1024);
    const without = await kms.invoke(ROOT_A, 'GenerateDataKeyWithoutPlaintext', { KeyId: keyId, NumberOfBytes: 64 });
    expect(without).toEqual({ CiphertextBlob: expect.any(Uint8Array), KeyId: arn });
    expect(((await kms.invoke(ROOT_A, 'Decrypt', { CiphertextBlob: without['CiphertextBlob'] }))['Plaintext'] as Uint8Array).length).toBe(64);

    expect((await kms.errorOf(ROOT_A, 'GenerateDataKey', { KeyId: keyId })).code).toBe('ValidationException');
    expect((await kms.errorOf(ROOT_A, 'GenerateDataKey', { KeyId: keyId, KeySpec: 'AES_256', NumberOfBytes: 32 })).code).toBe('ValidationException');
    expect((await kms.errorOf(ROOT_A, 'GenerateDataKey', { KeyId: keyId, NumberOfBytes: 1025 })).code).toBe('ValidationException');
  });

  it('GenerateRandom returns 1 to 1024 random bytes', async () => {
    const a = (await kms.invoke(ROOT_A, 'GenerateRandom', { NumberOfBytes: 32 }))['Plaintext'] as Uint8Array;
    const b = (await kms.invoke(ROOT_A, 'GenerateRandom', { NumberOfBytes: 32 }))['Plaintext'] as Uint8Array;
    expect(a.length).toBe(32);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    expect((await kms.errorOf(ROOT_A, 'GenerateRandom', { NumberOfBytes: 0 })).code).toBe('ValidationException');
    expect((await kms.errorOf(ROOT_A, 'GenerateRandom', {})).code).toBe('ValidationException');
  });

  it('refuses by key state, plaintext size and algorithm', async () => {
    const { keyId, arn } = await kms.createKey();
    const blob = (await kms.invoke(ROOT_A, 'Encrypt', { KeyId: keyId, Plaintext: text('x') }))['CiphertextBlob'];
    expect((await kms.errorOf(ROOT_A, 'Encrypt', { KeyId: keyId, Plaintext: new Uint8Array(4097) })).code).toBe('ValidationException');
    expect((await kms.errorOf(ROOT_A, 'Encrypt', { KeyId: keyId, Plaintext: text('x'), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' })).code).toBe(
      'InvalidKeyUsageException',
    );
    await kms.invoke(ROOT_A, 'Encrypt', { KeyId: keyId, Plaintext: new Uint8Array(4096) });
    await kms.invoke(ROOT_A, 'DisableKey', { KeyId: keyId });
    for (const [operation, input] of [
      ['Encrypt', { KeyId: keyId, Plaintext: text('x') }],
      ['Decrypt', { CiphertextBlob: blob }],
      ['GenerateDataKey', { KeyId: keyId, KeySpec: 'AES_256' }],
      ['GenerateDataKeyWithoutPlaintext', { KeyId: keyId, KeySpec: 'AES_256' }],
    ] as const) {
      expect(await kms.errorOf(ROOT_A, operation, input)).toEqual({ code: 'DisabledException', message: `${arn} is disabled.` });
    }
  });

  it('records every crypto call once, without plaintext, ciphertext or data keys', async () => {
    const { keyId, arn } = await kms.createKey();
    const secret = 'top-secret-plaintext';
    const blob = (await kms.invoke(ROOT_A, 'Encrypt', { KeyId: keyId, Plaintext: text(secret), EncryptionContext: { a: '1' } }))['CiphertextBlob'] as Uint8Array;
    const encryptRecords = await kms.eventsOfLastCall();
    expect(encryptRecords).toHaveLength(1);
    expect(encryptRecords[0]!.stream).toBe(`kmscall-${ACCOUNT_A}_${REGION}_20310504`);
    expect(encryptRecords[0]!.id).toBe(kms.lastCall!.eventId);
    expect(encryptRecords[0]!.data).toEqual({
      operation: 'Encrypt',
      readOnly: true,
      requestParameters: { keyId, encryptionContext: { a: '1' } },
      responseElements: null,
      errorCode: null,
      errorMessage: null,
      resources: [{ accountId: ACCOUNT_A, type: 'AWS::KMS::Key', ARN: arn }],
    });
    const dataKey = (await kms.invoke(ROOT_A, 'GenerateDataKey', { KeyId: keyId, NumberOfBytes: 32 }))['Plaintext'] as Uint8Array;
    await kms.invoke(ROOT_A, 'Decrypt', { CiphertextBlob: blob, EncryptionContext: { a: '1' } });
    await kms.errorOf(ROOT_A, 'Decrypt', { CiphertextBlob: blob });
    const failure = await kms.eventsOfLastCall();
    expect(failure.map((e) => e.data)).toEqual([expect.objectContaining({ operation: 'Decrypt', errorCode: 'InvalidCiphertextException' })]);

    const everything = JSON.stringify((await kms.events()).map((e) => [e.data, e.metadata]));
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(Buffer.from(secret).toString('base64'));
    expect(everything).not.toContain(Buffer.from(blob).toString('base64'));
    expect(everything).not.toContain(Buffer.from(dataKey).toString('base64'));
    expect(everything).not.toContain(Buffer.from(dataKey).toString('hex'));
  });
});

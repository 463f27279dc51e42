import {
  CancelKeyDeletionCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  DisableKeyRotationCommand,
  EnableKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  GenerateRandomCommand,
  GetKeyRotationStatusCommand,
  ListKeyRotationsCommand,
  ReEncryptCommand,
  RotateKeyOnDemandCommand,
  ScheduleKeyDeletionCommand,
  UpdateKeyDescriptionCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_A, REGION, ROOT_A } from '../application/kms/support/kms-fixture.js';
import { KmsServer, SERVER_TIME, sdkError } from './support/kms-server.js';

const text = (s: string) => new TextEncoder().encode(s);

describe('key lifecycle and cryptography through the AWS SDK', () => {
  let server: KmsServer;
  let kms: KMSClient;

  beforeAll(async () => {
    server = await new KmsServer().start();
    kms = server.client(ROOT_A);
  });
  afterAll(async () => {
    await server.close();
  });

  it('creates, describes, disables, enables and renames a key', async () => {
    const created = await kms.send(new CreateKeyCommand({ Description: 'orders', Tags: [{ TagKey: 'team', TagValue: 'shop' }] }));
    const metadata = created.KeyMetadata!;
    expect(metadata).toMatchObject({
      AWSAccountId: ACCOUNT_A,
      Arn: `arn:aws:kms:${REGION}:${ACCOUNT_A}:key/${metadata.KeyId}`,
      CreationDate: SERVER_TIME,
      Enabled: true,
      Description: 'orders',
      KeyUsage: 'ENCRYPT_DECRYPT',
      KeyState: 'Enabled',
      Origin: 'AWS_KMS',
      KeyManager: 'CUSTOMER',
      KeySpec: 'SYMMETRIC_DEFAULT',
      CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
      EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
      MultiRegion: false,
    });
    const keyId = metadata.KeyId!;
    await kms.send(new DisableKeyCommand({ KeyId: keyId }));
    expect((await kms.send(new DescribeKeyCommand({ KeyId: metadata.Arn }))).KeyMetadata).toMatchObject({ KeyState: 'Disabled', Enabled: false });
    const disabled = await sdkError(kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: text('x') })));
    expect(disabled).toMatchObject({ name: 'DisabledException', message: `${metadata.Arn} is disabled.`, status: 400 });
    await kms.send(new EnableKeyCommand({ KeyId: keyId }));
    await kms.send(new UpdateKeyDescriptionCommand({ KeyId: keyId, Description: 'orders v2' }));
    expect((await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata).toMatchObject({ KeyState: 'Enabled', Description: 'orders v2' });
  });

  it('encrypts and decrypts with an encryption context, and re-encrypts', async () => {
    const first = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const second = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const encrypted = await kms.send(new EncryptCommand({ KeyId: first.KeyId, Plaintext: text('attack at dawn'), EncryptionContext: { app: 'e2e' } }));
    expect(encrypted.KeyId).toBe(first.Arn);
    expect(encrypted.EncryptionAlgorithm).toBe('SYMMETRIC_DEFAULT');
    const decrypted = await kms.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob, EncryptionContext: { app: 'e2e' } }));
    expect(new TextDecoder().decode(decrypted.Plaintext)).toBe('attack at dawn');
    expect(decrypted.KeyId).toBe(first.Arn);
    expect((await sdkError(kms.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob })))).name).toBe('InvalidCiphertextException');
    expect((await sdkError(kms.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob, EncryptionContext: { app: 'e2e' }, KeyId: second.KeyId })))).name).toBe(
      'IncorrectKeyException',
    );

    const moved = await kms.send(
      new ReEncryptCommand({ CiphertextBlob: encrypted.CiphertextBlob, SourceEncryptionContext: { app: 'e2e' }, DestinationKeyId: second.Arn }),
    );
    expect(moved).toMatchObject({ SourceKeyId: first.Arn, KeyId: second.Arn, SourceEncryptionAlgorithm: 'SYMMETRIC_DEFAULT', DestinationEncryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
    expect(new TextDecoder().decode((await kms.send(new DecryptCommand({ CiphertextBlob: moved.CiphertextBlob }))).Plaintext)).toBe('attack at dawn');
  });

  it('generates data keys and random bytes', async () => {
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const dataKey = await kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: 'AES_256' }));
    expect(dataKey.Plaintext).toHaveLength(32);
    expect(dataKey.KeyId).toBe(key.Arn);
    const unwrapped = await kms.send(new DecryptCommand({ CiphertextBlob: dataKey.CiphertextBlob }));
    expect(Buffer.from(unwrapped.Plaintext!).equals(Buffer.from(dataKey.Plaintext!))).toBe(true);
    const without = await kms.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: key.Arn, NumberOfBytes: 16 }));
    expect(without).not.toHaveProperty('Plaintext');
    expect((await kms.send(new DecryptCommand({ CiphertextBlob: without.CiphertextBlob }))).Plaintext).toHaveLength(16);
    expect((await sdkError(kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId })))).name).toBe('ValidationException');
    expect((await kms.send(new GenerateRandomCommand({ NumberOfBytes: 1024 }))).Plaintext).toHaveLength(1024);
    expect((await sdkError(kms.send(new GenerateRandomCommand({ NumberOfBytes: 2000 })))).name).toBe('ValidationException');
  });

  it('rotates: old ciphertexts still decrypt, rotations are listed', async () => {
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const old = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: text('before rotation') }));
    await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 180 }));
    expect(await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }))).toMatchObject({
      KeyRotationEnabled: true,
      RotationPeriodInDays: 180,
      NextRotationDate: new Date('2031-10-31T12:00:00.000Z'),
    });
    expect((await kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }))).KeyId).toBe(key.KeyId);
    const fresh = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: text('after rotation') }));
    expect(new TextDecoder().decode((await kms.send(new DecryptCommand({ CiphertextBlob: old.CiphertextBlob }))).Plaintext)).toBe('before rotation');
    expect(new TextDecoder().decode((await kms.send(new DecryptCommand({ CiphertextBlob: fresh.CiphertextBlob }))).Plaintext)).toBe('after rotation');
    const rotations = await kms.send(new ListKeyRotationsCommand({ KeyId: key.KeyId }));
    expect(rotations.Rotations).toEqual([{ KeyId: key.KeyId, RotationDate: SERVER_TIME, RotationType: 'ON_DEMAND' }]);
    expect(rotations.Truncated).toBe(false);
    await kms.send(new DisableKeyRotationCommand({ KeyId: key.KeyId }));
    expect((await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }))).KeyRotationEnabled).toBe(false);
  });

  it('schedules and cancels key deletion', async () => {
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const scheduled = await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 30 }));
    expect(scheduled).toMatchObject({ KeyId: key.Arn, KeyState: 'PendingDeletion', PendingWindowInDays: 30, DeletionDate: new Date('2031-06-03T12:00:00.000Z') });
    expect((await sdkError(kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: text('x') })))).name).toBe('KMSInvalidStateException');
    expect((await kms.send(new CancelKeyDeletionCommand({ KeyId: key.KeyId }))).KeyId).toBe(key.Arn);
    expect((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata?.KeyState).toBe('Disabled');
  });

  it('answers a missing key with NotFoundException and HTTP 400', async () => {
    const missing = await sdkError(kms.send(new DescribeKeyCommand({ KeyId: 'alias/none' })));
    expect(missing).toEqual({ name: 'NotFoundException', message: `Alias arn:aws:kms:${REGION}:${ACCOUNT_A}:alias/none is not found.`, status: 400 });
  });
});

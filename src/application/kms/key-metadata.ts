import type { KmsKey } from '../../domain/key/index.js';

/** What KeyMetadata is made of: a key's state from its stream (CreateKey) or its read-model version (DescribeKey). */
export type KeyMetadataSource = Pick<KmsKey, 'accountId' | 'keyId' | 'arn' | 'creationDate' | 'description' | 'keyUsage' | 'deletionDate' | 'origin' | 'keySpec'> & {
  readonly keyState: string;
};

/**
 * KeyMetadata exactly as DescribeKey and CreateKey return it for a customer managed
 * symmetric encryption key: CustomerMasterKeySpec is the deprecated twin of KeySpec and
 * AWS still fills both; DeletionDate is present only while the key is pending deletion.
 */
export function keyMetadata(key: KeyMetadataSource): Record<string, unknown> {
  return {
    AWSAccountId: key.accountId,
    KeyId: key.keyId,
    Arn: key.arn,
    CreationDate: new Date(key.creationDate),
    Enabled: key.keyState === 'Enabled',
    Description: key.description,
    KeyUsage: key.keyUsage,
    KeyState: key.keyState,
    ...(key.deletionDate === null ? {} : { DeletionDate: new Date(key.deletionDate) }),
    Origin: key.origin,
    KeyManager: 'CUSTOMER',
    CustomerMasterKeySpec: key.keySpec,
    KeySpec: key.keySpec,
    EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
    MultiRegion: false,
  };
}

/**
 * A grant as the key aggregate keeps it and as the authorization evaluator reads it.
 * The grant token is never part of it: tokens are derived from the grant id with a
 * server secret, so no event or read model ever holds one.
 */
export type GrantOperation =
  | 'Decrypt'
  | 'Encrypt'
  | 'GenerateDataKey'
  | 'GenerateDataKeyWithoutPlaintext'
  | 'ReEncryptFrom'
  | 'ReEncryptTo'
  | 'Sign'
  | 'Verify'
  | 'GetPublicKey'
  | 'CreateGrant'
  | 'RetireGrant'
  | 'DescribeKey'
  | 'GenerateDataKeyPair'
  | 'GenerateDataKeyPairWithoutPlaintext'
  | 'GenerateMac'
  | 'VerifyMac'
  | 'DeriveSharedSecret';

export const GRANT_OPERATIONS: readonly GrantOperation[] = [
  'Decrypt', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo',
  'Sign', 'Verify', 'GetPublicKey', 'CreateGrant', 'RetireGrant', 'DescribeKey', 'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext', 'GenerateMac', 'VerifyMac', 'DeriveSharedSecret',
];

export interface GrantConstraints {
  /** The request's encryption context must be exactly this. */
  readonly encryptionContextEquals?: Readonly<Record<string, string>>;
  /** The request's encryption context must contain these pairs (others allowed). */
  readonly encryptionContextSubset?: Readonly<Record<string, string>>;
}

export interface Grant {
  /** 64 hex characters. */
  readonly grantId: string;
  readonly keyId: string;
  readonly name?: string;
  readonly granteePrincipal: string;
  readonly retiringPrincipal?: string;
  /** ARN of the principal that created the grant (its account may retire it). */
  readonly issuingPrincipal: string;
  readonly issuingAccount: string;
  readonly operations: readonly GrantOperation[];
  readonly constraints?: GrantConstraints;
  /** ISO-8601. */
  readonly creationDate: string;
}

/**
 * The ciphertext blob Encrypt returns and Decrypt accepts, as a port: the KMS use cases
 * seal and open blobs without knowing the format, which lives in the crypto adapter.
 */
export type EncryptionContext = Readonly<Record<string, string>>;

export interface CiphertextHeader {
  readonly formatVersion: number;
  readonly keyId: string;
  readonly backingKeyVersion: number;
}

export interface SealRequest {
  readonly keyId: string;
  readonly backingKeyVersion: number;
  /** The 256-bit backing key of that version. */
  readonly material: Uint8Array;
  readonly plaintext: Uint8Array;
  readonly encryptionContext?: EncryptionContext;
}

export interface CiphertextCodec {
  seal(request: SealRequest): Buffer;
  /** Which key and backing-key version a blob needs; KmsError InvalidCiphertextException if it is not a blob. */
  parseHeader(blob: Uint8Array): CiphertextHeader;
  /** The plaintext; KmsError InvalidCiphertextException on any fault (context, tampering, truncation, wrong key). */
  open(blob: Uint8Array, material: Uint8Array, encryptionContext?: EncryptionContext): Buffer;
}
export const CiphertextCodec = Symbol.for('keytrail.CiphertextCodec');

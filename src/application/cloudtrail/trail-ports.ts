/**
 * What exporting and verifying a trail need from the outside world: somewhere to put
 * gzip objects under S3-style keys, something to read them back, and the trail's signing
 * key. Adapters live in src/infrastructure/cloudtrail.
 */

/** One object being written; the text is its uncompressed content, stored gzip-compressed. */
export interface TrailObjectWriter {
  /**
   * Text, or UTF-8 bytes the writer may keep until the object is closed (the caller does
   * not reuse them). Resolves at once unless the writer asks the caller to wait.
   */
  write(text: string | Uint8Array): Promise<void> | undefined;
  /**
   * Finishes the object: `sha256` settles with the SHA-256 (hex) of its uncompressed
   * content, as digests list it, and `written` when the object is durably in place. Both
   * may be computed off this thread; the caller carries on meanwhile.
   */
  close(): { readonly sha256: Promise<string>; readonly written: Promise<void> };
}

/** S3 user metadata that travels with a digest object: where CloudTrail keeps the signature. */
export interface DigestSignatureMetadata {
  readonly signature: string;
  readonly 'signature-algorithm': string;
}

export interface TrailStorage {
  createObject(key: string): TrailObjectWriter;
  writeSignature(digestKey: string, metadata: DigestSignatureMetadata): Promise<void>;
}

export class TrailObjectMissingError extends Error {
  override readonly name = 'TrailObjectMissingError';
}

export interface TrailReader {
  /** Every object key under AWSLogs/, signature sidecars excepted, sorted. */
  listKeys(): Promise<readonly string[]>;
  /** The uncompressed content; TrailObjectMissingError when absent, any other error when unreadable. */
  readObject(key: string): Promise<Buffer>;
  /** The signature metadata kept beside a digest, or null when there is none. */
  readSignature(digestKey: string): Promise<DigestSignatureMetadata | null>;
}

/** The public half of a trail signing key, as CloudTrail's ListPublicKeys shows it. */
export interface TrailPublicKey {
  /** Hex MD5 of the DER (PKCS#1 RSAPublicKey) encoding: digestPublicKeyFingerprint. */
  readonly fingerprint: string;
  /** Base64 of the DER encoding: ListPublicKeys' Value. */
  readonly value: string;
  verify(data: Buffer, signatureHex: string): boolean;
}
export const TrailPublicKey = Symbol.for('keytrail.TrailPublicKey');

export interface TrailSigner extends TrailPublicKey {
  readonly algorithm: 'SHA256withRSA';
  /** SHA256withRSA (PKCS#1 v1.5) over the data, hex: deterministic for a given key and data. */
  sign(data: Buffer): string;
}
export const TrailSigner = Symbol.for('keytrail.TrailSigner');

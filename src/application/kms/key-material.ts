import { inject, injectable } from 'inversify';
import { KmsError } from '../../domain/errors.js';
import { currentBackingKey, type KmsKey } from '../../domain/key/index.js';
import { CiphertextCodec, type CiphertextHeader, type EncryptionContext } from '../material/ciphertext-codec.js';
import { BackingKeyUnavailableError, MaterialService } from '../material/material-service.js';

/**
 * Sealing and opening ciphertext blobs under a key's backing keys. New blobs use the
 * current version; a blob names the version it was made with, so every older version
 * keeps decrypting after rotations. Unwrapped material is zeroed as soon as it was used.
 */
@injectable()
export class KeyMaterial {
  constructor(
    @inject(MaterialService) private readonly material: MaterialService,
    @inject(CiphertextCodec) private readonly codec: CiphertextCodec,
  ) {}

  async seal(key: KmsKey, plaintext: Uint8Array, encryptionContext: EncryptionContext | undefined): Promise<Buffer> {
    const { version } = currentBackingKey(key);
    const material = await this.material.get(key.keyId, version);
    try {
      return this.codec.seal({ keyId: key.keyId, backingKeyVersion: version, material, plaintext, ...(encryptionContext === undefined ? {} : { encryptionContext }) });
    } finally {
      material.fill(0);
    }
  }

  /** Which key and version a blob needs; InvalidCiphertextException when it is no blob of ours. */
  header(blob: Uint8Array): CiphertextHeader {
    return this.codec.parseHeader(blob);
  }

  async open(key: KmsKey, blob: Uint8Array, encryptionContext: EncryptionContext | undefined): Promise<Buffer> {
    const { backingKeyVersion } = this.codec.parseHeader(blob);
    if (!key.backingKeys.some((v) => v.version === backingKeyVersion)) throw invalidCiphertext();
    let material: Buffer;
    try {
      material = await this.material.get(key.keyId, backingKeyVersion);
    } catch (e) {
      if (e instanceof BackingKeyUnavailableError) throw invalidCiphertext();
      throw e;
    }
    try {
      return this.codec.open(blob, material, encryptionContext);
    } finally {
      material.fill(0);
    }
  }
}

export function invalidCiphertext(): KmsError {
  return new KmsError('InvalidCiphertextException', 'The ciphertext is not valid for this key and encryption context.');
}

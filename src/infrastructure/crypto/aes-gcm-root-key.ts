import { hkdfSync } from 'node:crypto';
import { RootKeyMismatchError, UnwrapError, type RootKey } from '../../application/material/root-key.js';
import { IV_BYTES, KEY_BYTES, TAG_BYTES, gcmDecrypt, gcmEncrypt } from './aes-256-gcm.js';

/**
 * Wrapped format, version 1:
 *
 *   0      1 byte    format version (0x01)
 *   1      8 bytes   key check value of the root key that wrapped it
 *   9      12 bytes  IV
 *   21     n bytes   ciphertext
 *   21+n   16 bytes  GCM tag
 *
 * The GCM additional data is bytes 0..8 followed by the caller's label, so neither the
 * version, the check value nor the label can be changed without the tag failing. The
 * check value turns "wrong root key" into a clear error instead of a bare tag failure.
 */
const FORMAT_VERSION = 0x01;
const KCV_BYTES = 8;
const HEADER_BYTES = 1 + KCV_BYTES;
const MIN_WRAPPED_BYTES = HEADER_BYTES + IV_BYTES + TAG_BYTES;

export class AesGcmRootKey implements RootKey {
  readonly keyCheckValue: string;
  private readonly kcv: Buffer;
  private readonly wrappingKey: Buffer;
  private readonly root: Buffer;

  constructor(rootKey: Uint8Array) {
    if (rootKey.length !== KEY_BYTES) throw new Error(`A root key is ${KEY_BYTES} bytes, not ${rootKey.length}`);
    this.root = Buffer.from(rootKey);
    // The root key itself never keys a cipher: each use gets its own derived key.
    this.wrappingKey = derive(this.root, 'keytrail/wrap/v1', KEY_BYTES);
    this.kcv = derive(this.root, 'keytrail/key-check-value/v1', KCV_BYTES);
    this.keyCheckValue = this.kcv.toString('hex');
  }

  wrap(plaintext: Uint8Array, aad: string): Buffer {
    const header = Buffer.concat([Buffer.of(FORMAT_VERSION), this.kcv]);
    const { iv, ciphertext, tag } = gcmEncrypt(this.wrappingKey, plaintext, Buffer.concat([header, Buffer.from(aad, 'utf8')]));
    return Buffer.concat([header, iv, ciphertext, tag]);
  }

  unwrap(wrapped: Uint8Array, aad: string): Buffer {
    const bytes = Buffer.from(wrapped.buffer, wrapped.byteOffset, wrapped.byteLength);
    if (bytes.length < MIN_WRAPPED_BYTES) throw new UnwrapError(`Wrapped value for '${aad}' is truncated`);
    if (bytes[0] !== FORMAT_VERSION) throw new UnwrapError(`Wrapped value for '${aad}' has unknown format version ${bytes[0]}`);
    const kcv = bytes.subarray(1, HEADER_BYTES);
    if (!kcv.equals(this.kcv)) throw new RootKeyMismatchError(kcv.toString('hex'), this.keyCheckValue, `Wrapped value for '${aad}'`);
    const iv = bytes.subarray(HEADER_BYTES, HEADER_BYTES + IV_BYTES);
    const ciphertext = bytes.subarray(HEADER_BYTES + IV_BYTES, bytes.length - TAG_BYTES);
    const tag = bytes.subarray(bytes.length - TAG_BYTES);
    const aadBytes = Buffer.concat([bytes.subarray(0, HEADER_BYTES), Buffer.from(aad, 'utf8')]);
    const plaintext = gcmDecrypt(this.wrappingKey, iv, ciphertext, tag, aadBytes);
    if (plaintext === null) throw new UnwrapError(`Wrapped value for '${aad}' fails authentication: altered, or wrapped for another purpose`);
    return plaintext;
  }

  deriveSecret(purpose: string): Buffer {
    return derive(this.root, `keytrail/derived/${purpose}`, KEY_BYTES);
  }
}

function derive(root: Buffer, info: string, length: number): Buffer {
  return Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), info, length));
}

import { injectable } from 'inversify';
import type { CiphertextCodec, CiphertextHeader, EncryptionContext, SealRequest } from '../../application/material/ciphertext-codec.js';
import { kmsError } from '../../domain/errors.js';
import { IV_BYTES, KEY_BYTES, TAG_BYTES, gcmDecrypt, gcmEncrypt } from './aes-256-gcm.js';
import { encodeEncryptionContext } from './encryption-context.js';

/**
 * The ciphertext blob, format version 1 (all integers big-endian):
 *
 *   0      2 bytes   magic "KT" (0x4b 0x54)
 *   2      1 byte    format version (0x01)
 *   3      1 byte    key id length L (1..255)
 *   4      L bytes   key id (UTF-8)
 *   4+L    4 bytes   backing-key version (u32, from 1)
 *   8+L    12 bytes  IV
 *   20+L   n bytes   AES-256-GCM ciphertext
 *   end-16 16 bytes  GCM tag
 *
 * The additional authenticated data is the header (bytes 0 .. 8+L) followed by
 * encodeEncryptionContext(context): the key id, the version and the context are all
 * bound, and the blob needs no other lookup than its own header to be decrypted.
 */
const MAGIC = Buffer.from('KT', 'ascii');
export const CIPHERTEXT_FORMAT_VERSION = 0x01;
const FIXED_HEADER_BYTES = MAGIC.length + 1 + 1;
const MAX_KEY_ID_BYTES = 255;

/** No detail in the message: which check failed would help someone probing blobs. */
const invalidCiphertext = () => kmsError('InvalidCiphertextException', 'The ciphertext is not valid for this key and encryption context.');

export function sealCiphertext(request: SealRequest): Buffer {
  const keyId = Buffer.from(request.keyId, 'utf8');
  if (keyId.length < 1 || keyId.length > MAX_KEY_ID_BYTES) throw new Error(`A key id is 1 to ${MAX_KEY_ID_BYTES} bytes`);
  if (!Number.isInteger(request.backingKeyVersion) || request.backingKeyVersion < 1 || request.backingKeyVersion > 0xffffffff) {
    throw new Error(`Backing-key version ${request.backingKeyVersion} is not a u32 from 1`);
  }
  requireMaterial(request.material);
  const version = Buffer.alloc(4);
  version.writeUInt32BE(request.backingKeyVersion);
  const header = Buffer.concat([MAGIC, Buffer.of(CIPHERTEXT_FORMAT_VERSION, keyId.length), keyId, version]);
  const aad = Buffer.concat([header, encodeEncryptionContext(request.encryptionContext)]);
  const { iv, ciphertext, tag } = gcmEncrypt(request.material, request.plaintext, aad);
  return Buffer.concat([header, iv, ciphertext, tag]);
}

export function parseCiphertextHeader(blob: Uint8Array): CiphertextHeader & { readonly headerBytes: number } {
  const bytes = asBuffer(blob);
  if (bytes.length < FIXED_HEADER_BYTES || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) throw invalidCiphertext();
  const formatVersion = bytes[MAGIC.length];
  const keyIdLength = bytes[MAGIC.length + 1];
  if (formatVersion !== CIPHERTEXT_FORMAT_VERSION || keyIdLength === undefined || keyIdLength === 0) throw invalidCiphertext();
  const headerBytes = FIXED_HEADER_BYTES + keyIdLength + 4;
  if (bytes.length < headerBytes + IV_BYTES + TAG_BYTES) throw invalidCiphertext();
  const keyIdBytes = bytes.subarray(FIXED_HEADER_BYTES, FIXED_HEADER_BYTES + keyIdLength);
  let keyId: string;
  try {
    keyId = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(keyIdBytes);
  } catch {
    throw invalidCiphertext();
  }
  const backingKeyVersion = bytes.readUInt32BE(FIXED_HEADER_BYTES + keyIdLength);
  if (backingKeyVersion < 1) throw invalidCiphertext();
  return { formatVersion, keyId, backingKeyVersion, headerBytes };
}

export function openCiphertext(blob: Uint8Array, material: Uint8Array, encryptionContext?: EncryptionContext): Buffer {
  requireMaterial(material);
  const bytes = asBuffer(blob);
  const header = parseCiphertextHeader(bytes);
  const iv = bytes.subarray(header.headerBytes, header.headerBytes + IV_BYTES);
  const ciphertext = bytes.subarray(header.headerBytes + IV_BYTES, bytes.length - TAG_BYTES);
  const tag = bytes.subarray(bytes.length - TAG_BYTES);
  const aad = Buffer.concat([bytes.subarray(0, header.headerBytes), encodeEncryptionContext(encryptionContext)]);
  const plaintext = gcmDecrypt(material, iv, ciphertext, tag, aad);
  if (plaintext === null) throw invalidCiphertext();
  return plaintext;
}

/** The format behind the CiphertextCodec port. */
@injectable()
export class AesGcmCiphertextCodec implements CiphertextCodec {
  seal(request: SealRequest): Buffer {
    return sealCiphertext(request);
  }

  parseHeader(blob: Uint8Array): CiphertextHeader {
    const { formatVersion, keyId, backingKeyVersion } = parseCiphertextHeader(blob);
    return { formatVersion, keyId, backingKeyVersion };
  }

  open(blob: Uint8Array, material: Uint8Array, encryptionContext?: EncryptionContext): Buffer {
    return openCiphertext(blob, material, encryptionContext);
  }
}

function requireMaterial(material: Uint8Array): void {
  if (material.length !== KEY_BYTES) throw new Error(`Backing-key material is ${KEY_BYTES} bytes, not ${material.length}`);
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

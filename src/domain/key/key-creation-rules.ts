import { KmsError } from '../errors.js';
import type { KeyOrigin, KeySpec, KeyUsage } from './key-events.js';
import { isKeyId } from './key-identity.js';

export const MAX_DESCRIPTION_LENGTH = 8192;

/**
 * KMS's value sets. A value outside them is a ValidationException, as the API's enum
 * constraint makes it; a real KMS value that KeyTrail does not implement (asymmetric,
 * HMAC, imported or custom-store keys) is an UnsupportedOperationException.
 */
const KEY_USAGES = ['ENCRYPT_DECRYPT', 'SIGN_VERIFY', 'GENERATE_VERIFY_MAC', 'KEY_AGREEMENT'];
const KEY_SPECS = [
  'SYMMETRIC_DEFAULT', 'RSA_2048', 'RSA_3072', 'RSA_4096', 'ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521',
  'ECC_SECG_P256K1', 'ECC_NIST_EDWARDS25519', 'HMAC_224', 'HMAC_256', 'HMAC_384', 'HMAC_512', 'SM2',
  'ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87',
];
const ORIGINS = ['AWS_KMS', 'EXTERNAL', 'AWS_CLOUDHSM', 'EXTERNAL_KEY_STORE'];

function supportedValue<T extends string>(field: string, value: string, known: readonly string[], supported: T): T {
  if (!known.includes(value)) {
    throw new KmsError('ValidationException', `Value '${value}' at '${field}' must be one of: ${known.join(', ')}`);
  }
  if (value !== supported) {
    throw new KmsError('UnsupportedOperationException', `${field} ${value} is not supported; KeyTrail supports ${supported} only`);
  }
  return supported;
}

export function keyUsageOf(value: string | undefined): KeyUsage {
  return supportedValue('KeyUsage', value ?? 'ENCRYPT_DECRYPT', KEY_USAGES, 'ENCRYPT_DECRYPT');
}

export function keySpecOf(value: string | undefined): KeySpec {
  return supportedValue('KeySpec', value ?? 'SYMMETRIC_DEFAULT', KEY_SPECS, 'SYMMETRIC_DEFAULT');
}

export function originOf(value: string | undefined): KeyOrigin {
  return supportedValue('Origin', value ?? 'AWS_KMS', ORIGINS, 'AWS_KMS');
}

export function assertSingleRegion(multiRegion: boolean | undefined): void {
  if (multiRegion === true) throw new KmsError('UnsupportedOperationException', 'Multi-Region keys are not supported');
}

export function assertDescription(description: string): void {
  if (description.length > MAX_DESCRIPTION_LENGTH) {
    throw new KmsError('ValidationException', `Description must be at most ${MAX_DESCRIPTION_LENGTH} characters long`);
  }
}

export function assertNewKeyId(keyId: string): void {
  if (!isKeyId(keyId)) throw new KmsError('ValidationException', `A key id is a lower-case UUID: '${keyId}'`);
}

export function assertBackingKeyId(backingKeyId: string): void {
  if (backingKeyId.length === 0) throw new KmsError('ValidationException', 'A backing key id must not be empty');
}

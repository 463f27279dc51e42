/** The crypto adapters, for the composition root. */
export { AesGcmRootKey } from './aes-gcm-root-key.js';
export { loadRootKey, parseRootKey, RootKeyFileError, type LoadedRootKey, type RootKeyLocation } from './root-key-file.js';
export { AesGcmCiphertextCodec, openCiphertext, parseCiphertextHeader, sealCiphertext } from './ciphertext-blob.js';
export { encodeEncryptionContext } from './encryption-context.js';
export { HmacGrantTokens, grantIdFromToken, grantTokenFor } from './grant-token.js';

import { randomBytes } from 'node:crypto';
import { inject, injectable } from 'inversify';
import { KmsError } from '../../../domain/errors.js';
import { assertUsableForCryptography, type CryptographicOperation } from '../../../domain/key/index.js';
import type { EncryptionContext } from '../../material/ciphertext-codec.js';
import { AccessControl } from '../access-control.js';
import { dryRunSucceeded, ignoresCiphertext, stopIfDryRun } from '../dry-run.js';
import { optionalInteger, optionalString, optionalStringList, optionalStringMap, requiredBlob, requiredString } from '../input.js';
import { invalidCiphertext, KeyMaterial } from '../key-material.js';
import { KeyRepository } from '../key-repository.js';
import { ANY_KEY_NAME, KeyResolver, type ResolvedKey } from '../key-resolver.js';
import type { KmsCall } from '../kms-call.js';
import type { OperationGroup, OperationHandler } from '../operation-group.js';

/** The largest plaintext Encrypt takes, in bytes. */
export const MAX_PLAINTEXT_BYTES = 4096;
export const MAX_DATA_KEY_BYTES = 1024;
const SYMMETRIC_DEFAULT = 'SYMMETRIC_DEFAULT';

/** Encrypt, Decrypt, ReEncrypt, GenerateDataKey, GenerateDataKeyWithoutPlaintext. */
@injectable()
export class CryptoOperations implements OperationGroup {
  readonly handlers: Readonly<Record<string, OperationHandler>> = {
    Encrypt: (call) => this.encrypt(call),
    Decrypt: (call) => this.decrypt(call),
    ReEncrypt: (call) => this.reEncrypt(call),
    GenerateDataKey: (call) => this.generateDataKey(call, true),
    GenerateDataKeyWithoutPlaintext: (call) => this.generateDataKey(call, false),
  };

  constructor(
    @inject(KeyResolver) private readonly resolver: KeyResolver,
    @inject(KeyRepository) private readonly keys: KeyRepository,
    @inject(AccessControl) private readonly access: AccessControl,
    @inject(KeyMaterial) private readonly material: KeyMaterial,
  ) {}

  private async encrypt(call: KmsCall): Promise<Record<string, unknown>> {
    const input = call.input;
    const plaintext = requiredBlob(input, 'Plaintext');
    if (plaintext.length < 1 || plaintext.length > MAX_PLAINTEXT_BYTES) {
      throw new KmsError('ValidationException', `1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length between 1 and ${MAX_PLAINTEXT_BYTES}`);
    }
    requireSymmetricAlgorithm(input, 'EncryptionAlgorithm');
    const encryptionContext = optionalStringMap(input, 'EncryptionContext');
    const resolved = await this.resolver.resolve(call, requiredString(input, 'KeyId'), ANY_KEY_NAME);
    await this.authorizeUse(call, resolved, 'Encrypt', encryptionContext);
    stopIfDryRun(call);
    const key = resolved.key;
    const blob = await this.material.seal(key, plaintext, encryptionContext);
    return { CiphertextBlob: blob, KeyId: key.arn, EncryptionAlgorithm: SYMMETRIC_DEFAULT };
  }

  private async decrypt(call: KmsCall): Promise<Record<string, unknown>> {
    const input = call.input;
    if (ignoresCiphertext(call)) {
      requireSymmetricAlgorithm(input, 'EncryptionAlgorithm');
      const resolved = await this.resolver.resolve(call, keyIdForIgnoredCiphertext(input, 'KeyId'), ANY_KEY_NAME);
      await this.authorizeUse(call, resolved, 'Decrypt', optionalStringMap(input, 'EncryptionContext'));
      throw dryRunSucceeded();
    }
    const blob = requiredBlob(input, 'CiphertextBlob');
    requireSymmetricAlgorithm(input, 'EncryptionAlgorithm');
    const encryptionContext = optionalStringMap(input, 'EncryptionContext');
    const resolved = await this.ciphertextKey(call, blob, optionalString(input, 'KeyId'));
    await this.authorizeUse(call, resolved, 'Decrypt', encryptionContext);
    const key = resolved.key;
    const plaintext = await this.material.open(key, blob, encryptionContext);
    if (call.dryRun) {
      // The ciphertext did open under this context: the call would have succeeded.
      plaintext.fill(0);
      throw dryRunSucceeded();
    }
    return { KeyId: key.arn, Plaintext: plaintext, EncryptionAlgorithm: SYMMETRIC_DEFAULT };
  }

  private async reEncrypt(call: KmsCall): Promise<Record<string, unknown>> {
    const input = call.input;
    const ignoreCiphertext = ignoresCiphertext(call);
    const blob = ignoreCiphertext ? null : requiredBlob(input, 'CiphertextBlob');
    requireSymmetricAlgorithm(input, 'SourceEncryptionAlgorithm');
    requireSymmetricAlgorithm(input, 'DestinationEncryptionAlgorithm');
    const sourceContext = optionalStringMap(input, 'SourceEncryptionContext');
    const destinationContext = optionalStringMap(input, 'DestinationEncryptionContext');
    const source =
      blob === null
        ? await this.resolver.resolve(call, keyIdForIgnoredCiphertext(input, 'SourceKeyId'), ANY_KEY_NAME)
        : await this.ciphertextKey(call, blob, optionalString(input, 'SourceKeyId'));
    const destination = await this.resolver.resolve(call, requiredString(input, 'DestinationKeyId'), ANY_KEY_NAME);
    const reEncryptOnSameKey = destination.key.keyId === source.key.keyId;
    await this.authorizeUse(call, source, 'ReEncryptFrom', sourceContext, reEncryptOnSameKey);
    await this.authorizeUse(call, destination, 'ReEncryptTo', destinationContext, reEncryptOnSameKey);
    if (blob === null) throw dryRunSucceeded();
    const plaintext = await this.material.open(source.key, blob, sourceContext);
    try {
      stopIfDryRun(call);
      const sealed = await this.material.seal(destination.key, plaintext, destinationContext);
      return {
        CiphertextBlob: sealed,
        SourceKeyId: source.key.arn,
        KeyId: destination.key.arn,
        SourceEncryptionAlgorithm: SYMMETRIC_DEFAULT,
        DestinationEncryptionAlgorithm: SYMMETRIC_DEFAULT,
      };
    } finally {
      plaintext.fill(0);
    }
  }

  private async generateDataKey(call: KmsCall, withPlaintext: boolean): Promise<Record<string, unknown>> {
    const input = call.input;
    const numberOfBytes = dataKeyLength(optionalInteger(input, 'NumberOfBytes'), optionalString(input, 'KeySpec'));
    const encryptionContext = optionalStringMap(input, 'EncryptionContext');
    const operation = withPlaintext ? 'GenerateDataKey' : 'GenerateDataKeyWithoutPlaintext';
    const resolved = await this.resolver.resolve(call, requiredString(input, 'KeyId'), ANY_KEY_NAME);
    await this.authorizeUse(call, resolved, operation, encryptionContext);
    stopIfDryRun(call);
    const key = resolved.key;
    const dataKey = randomBytes(numberOfBytes);
    const blob = await this.material.seal(key, dataKey, encryptionContext);
    if (!withPlaintext) {
      dataKey.fill(0);
      return { CiphertextBlob: blob, KeyId: key.arn };
    }
    return { CiphertextBlob: blob, Plaintext: dataKey, KeyId: key.arn };
  }

  /** The key a ciphertext was made under; a KeyId in the request must name that same key (IncorrectKeyException). */
  private async ciphertextKey(call: KmsCall, blob: Uint8Array, named: string | undefined): Promise<ResolvedKey> {
    const { keyId } = this.material.header(blob);
    if (named !== undefined) {
      const resolved = await this.resolver.resolve(call, named, ANY_KEY_NAME);
      if (resolved.key.keyId !== keyId) {
        throw new KmsError('IncorrectKeyException', 'The key ID in the request does not identify a CMK that can perform this operation.');
      }
      return resolved;
    }
    const state = await this.keys.load(keyId);
    if (state.status === 'NotCreated') throw invalidCiphertext();
    return this.resolver.resolveById(call, keyId, state);
  }

  /** Authorization, then the key state: a caller without access learns nothing about the state. */
  private async authorizeUse(
    call: KmsCall,
    resolved: ResolvedKey,
    operation: CryptographicOperation,
    encryptionContext: EncryptionContext | undefined,
    reEncryptOnSameKey?: boolean,
  ): Promise<void> {
    await this.access.authorize(call, `kms:${operation}`, resolved.key, {
      encryptionContext: encryptionContext ?? {},
      encryptionAlgorithm: SYMMETRIC_DEFAULT,
      grantTokens: grantTokensOf(call),
      ...(resolved.requestAlias === undefined ? {} : { requestAlias: resolved.requestAlias }),
      ...(reEncryptOnSameKey === undefined ? {} : { reEncryptOnSameKey }),
    });
    assertUsableForCryptography(resolved.state, operation);
  }
}

export function grantTokensOf(call: KmsCall): readonly string[] {
  return optionalStringList(call.input, 'GrantTokens') ?? [];
}

/** Without a ciphertext to name the key, the request must name it. */
function keyIdForIgnoredCiphertext(input: Readonly<Record<string, unknown>>, member: 'KeyId' | 'SourceKeyId'): string {
  const keyId = optionalString(input, member);
  if (keyId === undefined) throw new KmsError('ValidationException', `${member} is required when DryRunModifiers includes IGNORE_CIPHERTEXT.`);
  return keyId;
}

/** Symmetric encryption keys take SYMMETRIC_DEFAULT only; an asymmetric algorithm does not fit their key usage. */
function requireSymmetricAlgorithm(input: Readonly<Record<string, unknown>>, member: string): void {
  const algorithm = optionalString(input, member);
  if (algorithm !== undefined && algorithm !== SYMMETRIC_DEFAULT) {
    throw new KmsError('InvalidKeyUsageException', `The encryption algorithm ${algorithm} is not valid for a symmetric encryption KMS key; use ${SYMMETRIC_DEFAULT}.`);
  }
}

/** Exactly one of NumberOfBytes (1-1024) and KeySpec (AES_128, AES_256). */
export function dataKeyLength(numberOfBytes: number | undefined, keySpec: string | undefined): number {
  if (numberOfBytes !== undefined && keySpec !== undefined) {
    throw new KmsError('ValidationException', 'Please specify either number of bytes or key spec, not both.');
  }
  if (numberOfBytes !== undefined) {
    if (numberOfBytes < 1 || numberOfBytes > MAX_DATA_KEY_BYTES) {
      throw new KmsError('ValidationException', `1 validation error detected: Value '${numberOfBytes}' at 'numberOfBytes' failed to satisfy constraint: Member must have value between 1 and ${MAX_DATA_KEY_BYTES}`);
    }
    return numberOfBytes;
  }
  if (keySpec === 'AES_256') return 32;
  if (keySpec === 'AES_128') return 16;
  if (keySpec !== undefined) {
    throw new KmsError('ValidationException', `1 validation error detected: Value '${keySpec}' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]`);
  }
  throw new KmsError('ValidationException', 'Please specify either number of bytes or key spec.');
}

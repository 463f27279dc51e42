import { inject, injectable } from 'inversify';
import { aliasArn } from '../../domain/alias/alias-name.js';
import { aliasRegistryStream } from '../../domain/alias/alias-stream.js';
import { KmsError } from '../../domain/errors.js';
import { isKeyId, keyArn, requireLiveKey, type KeyAggregateState, type KmsKey } from '../../domain/key/index.js';
import { KeyRepository } from './key-repository.js';
import type { KmsCall } from './kms-call.js';
import { catchUpOnce, KmsReadSide } from './kms-read-side.js';

/** How an operation lets its caller name a key (each KMS operation documents its own). */
export interface KeyNaming {
  /** alias/name and alias ARNs are accepted (DescribeKey, Encrypt, GenerateDataKey, ...). */
  readonly aliases: boolean;
  /** A key ARN (or alias ARN) of another account is accepted: the key policy then decides. */
  readonly crossAccount: boolean;
}

export const KEY_ID_OR_ARN: KeyNaming = { aliases: false, crossAccount: false };
export const KEY_ID_OR_ARN_CROSS_ACCOUNT: KeyNaming = { aliases: false, crossAccount: true };
export const ANY_KEY_NAME: KeyNaming = { aliases: true, crossAccount: true };

export interface ResolvedKey {
  readonly key: KmsKey;
  readonly state: KeyAggregateState;
  /** The alias name the request used, for kms:RequestAlias. */
  readonly requestAlias?: string;
}

interface KeyReference {
  readonly kind: 'key' | 'alias';
  /** Key id, or alias name (alias/...). */
  readonly name: string;
  readonly accountId: string;
  readonly region: string;
}

const ARN = /^arn:(aws[a-z-]*):kms:([a-z0-9-]+):(\d{12}):(.+)$/;

const notFound = (message: string) => new KmsError('NotFoundException', message);

/**
 * Turns a KeyId member (key id, key ARN, alias name, alias ARN) into a live key, with
 * AWS's answers: "Invalid keyId" for a form the operation does not take, "Alias ... is
 * not found." and "Key '...' does not exist" for names that lead nowhere.
 */
@injectable()
export class KeyResolver {
  constructor(
    @inject(KeyRepository) private readonly keys: KeyRepository,
    @inject(KmsReadSide) private readonly readSide: KmsReadSide,
  ) {}

  async resolve(call: KmsCall, name: string, naming: KeyNaming): Promise<ResolvedKey> {
    const reference = parseKeyReference(call, name, naming);
    let keyId = reference.name;
    let requestAlias: string | undefined;
    if (reference.kind === 'alias') {
      await this.catchUp(call, [aliasRegistryStream(reference.accountId, reference.region)]);
      const alias = this.readSide.findAlias(reference.accountId, reference.region, reference.name);
      if (alias === null) throw notFound(`Alias ${aliasArn(reference.region, reference.accountId, reference.name)} is not found.`);
      keyId = alias.targetKeyId;
      requestAlias = reference.name;
    }
    const arn = keyArn(reference.region, reference.accountId, keyId);
    const state = await this.keys.load(keyId);
    if (state.status !== 'Live' || state.key.accountId !== reference.accountId || state.key.region !== reference.region) {
      throw notFound(`Key '${arn}' does not exist`);
    }
    call.touch({ arn: state.key.arn, accountId: state.key.accountId });
    return { key: state.key, state, ...(requestAlias === undefined ? {} : { requestAlias }) };
  }

  /**
   * The key a ciphertext names: found by id alone, since a ciphertext may come from another
   * account. A caller that has just loaded the key's state in this call passes it along.
   */
  async resolveById(call: KmsCall, keyId: string, loaded?: KeyAggregateState): Promise<ResolvedKey> {
    const state = loaded ?? (await this.keys.load(keyId));
    const key = requireLiveKey(state, keyId);
    if (key.region !== call.region) throw notFound(`Key '${key.arn}' does not exist`);
    call.touch({ arn: key.arn, accountId: key.accountId });
    return { key, state };
  }

  /** The read-your-writes barrier, once per call and set of streams (all of the log without them). */
  catchUp(call: KmsCall, streams?: readonly string[]): Promise<void> {
    return catchUpOnce(call, this.readSide, streams);
  }
}

export function parseKeyReference(call: KmsCall, name: string, naming: KeyNaming): KeyReference {
  const invalid = () => notFound(`Invalid keyId ${name}`);
  const arn = ARN.exec(name);
  if (arn !== null) {
    const [, , region = '', accountId = '', resource = ''] = arn;
    // Keys are regional: an ARN of another Region names nothing this endpoint serves.
    if (region !== call.region || (accountId !== call.accountId && !naming.crossAccount)) throw notFound(`Key '${name}' does not exist`);
    if (resource.startsWith('alias/')) {
      if (!naming.aliases) throw invalid();
      return { kind: 'alias', name: resource, accountId, region };
    }
    if (resource.startsWith('key/') && isKeyId(resource.slice(4))) return { kind: 'key', name: resource.slice(4), accountId, region };
    throw invalid();
  }
  if (name.startsWith('alias/')) {
    if (!naming.aliases) throw invalid();
    return { kind: 'alias', name, accountId: call.accountId, region: call.region };
  }
  if (!isKeyId(name)) throw invalid();
  return { kind: 'key', name, accountId: call.accountId, region: call.region };
}

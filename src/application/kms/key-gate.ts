import { inject, injectable } from 'inversify';
import { KmsError } from '../../domain/errors.js';
import { keyStream } from '../../domain/key/index.js';
import type { KeyVersion } from '../audit/temporal-read-models.js';
import { AccessControl, type RequestFacts } from './access-control.js';
import { KeyResolver, type KeyNaming, type ResolvedKey } from './key-resolver.js';
import type { KmsCall } from './kms-call.js';
import { KmsReadSide } from './kms-read-side.js';

/**
 * The way into a key for every operation on one: resolve the name as the operation
 * allows, then authorize the action, in AWS's order (a key that does not exist is
 * NotFoundException for everyone; only then is access decided; the key state last).
 */
@injectable()
export class KeyGate {
  constructor(
    @inject(KeyResolver) private readonly resolver: KeyResolver,
    @inject(AccessControl) private readonly access: AccessControl,
    @inject(KmsReadSide) private readonly readSide: KmsReadSide,
  ) {}

  async open(call: KmsCall, name: string, naming: KeyNaming, action: string, facts: RequestFacts = {}): Promise<ResolvedKey> {
    const resolved = await this.resolver.resolve(call, name, naming);
    await this.access.authorize(call, action, resolved.key, {
      ...facts,
      ...(resolved.requestAlias === undefined ? {} : { requestAlias: resolved.requestAlias }),
    });
    return resolved;
  }

  /**
   * The way into a key for Describe*, Get* and List* on one key: opened as above, the
   * decision made on the key's own stream as for every operation, then answered from the
   * read models once they include everything stored before the call (read-your-writes).
   */
  async read(call: KmsCall, name: string, naming: KeyNaming, action: string, facts: RequestFacts = {}): Promise<KeyVersion> {
    const { key } = await this.open(call, name, naming, action, facts);
    await this.resolver.catchUp(call, [keyStream(key.keyId)]);
    const version = this.readSide.key(key.keyId);
    // Deleted by a call that ended in between: as gone as if it had been before.
    if (version === null || version.status !== 'Live') throw new KmsError('NotFoundException', `Key '${key.arn}' does not exist`);
    return version;
  }
}

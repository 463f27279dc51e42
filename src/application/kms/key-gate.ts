import { inject, injectable } from 'inversify';
import { AccessControl, type RequestFacts } from './access-control.js';
import { KeyResolver, type KeyNaming, type ResolvedKey } from './key-resolver.js';
import type { KmsCall } from './kms-call.js';

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
  ) {}

  async open(call: KmsCall, name: string, naming: KeyNaming, action: string, facts: RequestFacts = {}): Promise<ResolvedKey> {
    const resolved = await this.resolver.resolve(call, name, naming);
    await this.access.authorize(call, action, resolved.key, {
      ...facts,
      ...(resolved.requestAlias === undefined ? {} : { requestAlias: resolved.requestAlias }),
    });
    return resolved;
  }
}

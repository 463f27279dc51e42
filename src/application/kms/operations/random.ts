import { randomBytes } from 'node:crypto';
import { inject, injectable } from 'inversify';
import { KmsError } from '../../../domain/errors.js';
import { AccessControl } from '../access-control.js';
import { optionalInteger, optionalString } from '../input.js';
import type { KmsCall } from '../kms-call.js';
import type { OperationGroup, OperationHandler } from '../operation-group.js';

export const MAX_RANDOM_BYTES = 1024;

/** GenerateRandom: bytes from the CSPRNG, allowed by identity policies alone (it uses no key). */
@injectable()
export class RandomOperations implements OperationGroup {
  readonly handlers: Readonly<Record<string, OperationHandler>> = {
    GenerateRandom: (call) => this.generateRandom(call),
  };

  constructor(@inject(AccessControl) private readonly access: AccessControl) {}

  private async generateRandom(call: KmsCall): Promise<Record<string, unknown>> {
    const numberOfBytes = optionalInteger(call.input, 'NumberOfBytes');
    if (numberOfBytes === undefined || numberOfBytes < 1 || numberOfBytes > MAX_RANDOM_BYTES) {
      throw new KmsError(
        'ValidationException',
        `1 validation error detected: Value '${numberOfBytes ?? 'null'}' at 'numberOfBytes' failed to satisfy constraint: Member must have value between 1 and ${MAX_RANDOM_BYTES}`,
      );
    }
    if (optionalString(call.input, 'CustomKeyStoreId') !== undefined) {
      throw new KmsError('UnsupportedOperationException', 'KeyTrail has no custom key stores.');
    }
    if (call.input['Recipient'] !== undefined) {
      throw new KmsError('UnsupportedOperationException', 'KeyTrail does not support Nitro Enclaves attestation (Recipient).');
    }
    await this.access.authorize(call, 'kms:GenerateRandom', null);
    return { Plaintext: randomBytes(numberOfBytes) };
  }
}

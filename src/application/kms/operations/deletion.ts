import { inject, injectable } from 'inversify';
import { requireLiveKey } from '../../../domain/key/index.js';
import { optionalInteger, requiredString } from '../input.js';
import { KeyGate } from '../key-gate.js';
import { KeyRepository } from '../key-repository.js';
import { KEY_ID_OR_ARN } from '../key-resolver.js';
import type { KmsCall } from '../kms-call.js';
import type { OperationGroup, OperationHandler } from '../operation-group.js';

/** ScheduleKeyDeletion and CancelKeyDeletion. */
@injectable()
export class DeletionOperations implements OperationGroup {
  readonly handlers: Readonly<Record<string, OperationHandler>> = {
    ScheduleKeyDeletion: (call) => this.scheduleKeyDeletion(call),
    CancelKeyDeletion: (call) => this.cancelKeyDeletion(call),
  };

  constructor(
    @inject(KeyGate) private readonly gate: KeyGate,
    @inject(KeyRepository) private readonly keys: KeyRepository,
  ) {}

  private async scheduleKeyDeletion(call: KmsCall): Promise<Record<string, unknown>> {
    const pendingWindowInDays = optionalInteger(call.input, 'PendingWindowInDays');
    const { key } = await this.gate.open(call, requiredString(call.input, 'KeyId'), KEY_ID_OR_ARN, 'kms:ScheduleKeyDeletion');
    const outcome = await this.keys.execute(call, {
      type: 'ScheduleKeyDeletion',
      keyId: key.keyId,
      now: call.now,
      ...(pendingWindowInDays === undefined ? {} : { pendingWindowInDays }),
    });
    const scheduled = requireLiveKey(outcome.state, key.keyId);
    return {
      KeyId: scheduled.arn,
      DeletionDate: new Date(scheduled.deletionDate!),
      KeyState: scheduled.keyState,
      PendingWindowInDays: scheduled.pendingWindowInDays!,
    };
  }

  private async cancelKeyDeletion(call: KmsCall): Promise<Record<string, unknown>> {
    const { key } = await this.gate.open(call, requiredString(call.input, 'KeyId'), KEY_ID_OR_ARN, 'kms:CancelKeyDeletion');
    await this.keys.execute(call, { type: 'CancelKeyDeletion', keyId: key.keyId });
    return { KeyId: key.arn };
  }
}

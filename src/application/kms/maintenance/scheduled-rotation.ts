import { inject, injectable } from 'inversify';
import { keyDecider, keyStream, requireLiveKey, type RotateKeyAutomatically } from '../../../domain/key/index.js';
import { CommandHandler } from '../../command-handler.js';
import { MaterialService } from '../../material/material-service.js';
import type { DueKey } from './key-schedule.js';
import { isNoLongerDue } from './no-longer-due.js';
import { kmsServiceEventContext } from './service-event-context.js';

/** Stands in for the backing key id during the dry run, which only asks whether the rotation is due. */
const NOT_YET_MADE = 'not-yet-made';

/**
 * Automatic rotation of one key, as RotateKeyOnDemand does it: a dry run first, so a key
 * that is not due gets no material; then the next backing-key version; then the key
 * records it. Material made for a rotation that then loses a race is not lost: the
 * material ledger hands the same version back to the next rotation that asks for it.
 */
@injectable()
export class ScheduledRotation {
  constructor(
    @inject(CommandHandler) private readonly commands: CommandHandler,
    @inject(MaterialService) private readonly material: MaterialService,
  ) {}

  /** True when this call rotated the key; false when it was not due after all. */
  async run(due: DueKey, now: Date): Promise<boolean> {
    const { state } = await this.commands.load(keyDecider, keyStream(due.keyId));
    const context = kmsServiceEventContext('RotateKey', due, now);
    const command: RotateKeyAutomatically = { type: 'RotateKeyAutomatically', keyId: due.keyId, now: context.time, backingKeyId: NOT_YET_MADE };
    try {
      keyDecider.decide(command, state);
    } catch (e) {
      if (isNoLongerDue(e)) return false;
      throw e;
    }
    const key = requireLiveKey(state, due.keyId);
    const { backingKeyId } = await this.material.generate(key.keyId, key.backingKeys.length + 1, context);
    try {
      await this.commands.handle(keyDecider, keyStream(key.keyId), { ...command, backingKeyId }, context);
      return true;
    } catch (e) {
      if (isNoLongerDue(e)) return false;
      throw e;
    }
  }
}

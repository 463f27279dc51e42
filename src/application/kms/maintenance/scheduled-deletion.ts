import { inject, injectable } from 'inversify';
import type { CallContext } from '../../../domain/call-context.js';
import { keyDecider, keyStream } from '../../../domain/key/index.js';
import { AliasRegistryService } from '../../alias/alias-registry-service.js';
import { CommandHandler } from '../../command-handler.js';
import { MaterialService } from '../../material/material-service.js';
import { EventStore } from '../../ports/event-store.js';
import type { DueKey } from './key-schedule.js';
import { isNoLongerDue } from './no-longer-due.js';
import { contextFromMetadata, kmsServiceEventContext } from './service-event-context.js';
import { shreddingLedger, shredStream } from './shredding-ledger.js';

/**
 * Deletion of one key at the end of its waiting period, in an order that a crash at any
 * point leaves resumable: the key is deleted first (the one irreversible decision, taken
 * by the aggregate, so a CancelKeyDeletion that got there first wins), then its aliases
 * go, then its material stream is hard-deleted, and last the shredding is recorded. Until
 * that record exists the schedule keeps offering the key, and every step is idempotent.
 */
@injectable()
export class ScheduledDeletion {
  constructor(
    @inject(CommandHandler) private readonly commands: CommandHandler,
    @inject(EventStore) private readonly store: EventStore,
    @inject(AliasRegistryService) private readonly aliases: AliasRegistryService,
    @inject(MaterialService) private readonly material: MaterialService,
  ) {}

  /** True when this call finished the key's deletion; false when it was not due or was already finished. */
  async run(due: DueKey, now: Date): Promise<boolean> {
    const { keyId } = due;
    const fresh = kmsServiceEventContext('DeleteKey', due, now);
    let context: CallContext | null = fresh;
    try {
      await this.commands.handle(keyDecider, keyStream(keyId), { type: 'DeleteKey', keyId, now: fresh.time }, fresh);
    } catch (e) {
      if (!isNoLongerDue(e)) throw e;
      // Refused: a caller canceled the deletion, or the key was deleted already (by a run
      // that did not get to finish, or by another node), whose service event this continues.
      context = await this.deletionContext(keyId);
      if (context === null) return false;
    }
    await this.aliases.execute({ type: 'RemoveAliasesOfDeletedKey', accountId: due.accountId, region: due.region, keyId }, context);
    await this.material.shred(keyId);
    const recorded = await this.commands.handle(shreddingLedger, shredStream(keyId), { type: 'RecordKeyMaterialShredded', keyId, shreddedAt: now.toISOString() }, context);
    return recorded.appended !== null;
  }

  /** The context of the key's KeyDeleted event, or null while the key is not deleted. Nothing follows KeyDeleted in a key stream. */
  private async deletionContext(keyId: string): Promise<CallContext | null> {
    for await (const last of this.store.readStream(keyStream(keyId), { direction: 'backwards', maxCount: 1 })) {
      return last.type === 'KeyDeleted' ? contextFromMetadata(last.metadata) : null;
    }
    return null;
  }
}

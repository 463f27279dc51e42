import { inject, injectable } from 'inversify';
import { CommandHandler, type CommandOutcome } from '../command-handler.js';
import { keyDecider, keyStream, type KeyAggregateState, type KeyCommand, type KeyEvent } from '../../domain/key/index.js';
import { auditedContext } from './call-record.js';
import { dryRunSucceeded } from './dry-run.js';
import type { KmsCall } from './kms-call.js';

/** The key aggregate as the operations use it: load a key's state, run a command on it. */
@injectable()
export class KeyRepository {
  constructor(@inject(CommandHandler) private readonly commands: CommandHandler) {}

  async load(keyId: string): Promise<KeyAggregateState> {
    return (await this.commands.load(keyDecider, keyStream(keyId))).state;
  }

  /**
   * Appended events carry the call (and its request parameters): they are its audit record.
   * A dry run is decided on the current state, so a rule the command breaks still fails it,
   * and then stops: nothing is appended.
   */
  async execute(call: KmsCall, command: KeyCommand): Promise<CommandOutcome<KeyEvent, KeyAggregateState>> {
    if (call.dryRun) {
      keyDecider.decide(command, await this.load(command.keyId));
      throw dryRunSucceeded();
    }
    const outcome = await this.commands.handle(keyDecider, keyStream(command.keyId), command, auditedContext(call));
    if (outcome.appended !== null) call.markRecordedByEvent();
    return outcome;
  }
}

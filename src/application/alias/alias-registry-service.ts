import { inject, injectable, optional } from 'inversify';
import type { AliasCommand } from '../../domain/alias/alias-commands.js';
import type { AliasEvent } from '../../domain/alias/alias-events.js';
import { createAliasRegistry, type AliasLimits as AliasQuotas, type AliasRegistry, type AliasRegistryState } from '../../domain/alias/alias-registry.js';
import { aliasRegistryStream } from '../../domain/alias/alias-stream.js';
import type { CallContext } from '../../domain/call-context.js';
import { CommandHandler, type CommandOutcome } from '../command-handler.js';

/** The alias quotas KeyTrail is configured with; AWS's defaults for whatever is unset. */
export type AliasLimits = Partial<AliasQuotas>;
export const AliasLimits = Symbol.for('keytrail.AliasLimits');

/**
 * Runs alias commands against the registry stream of their account and Region. The
 * caller resolves the target key into AliasTargetKey facts first; a lost race is decided
 * again by the CommandHandler, so uniqueness and limits hold across nodes.
 */
@injectable()
export class AliasRegistryService {
  private readonly registry: AliasRegistry;

  constructor(
    @inject(CommandHandler) private readonly commands: CommandHandler,
    @inject(AliasLimits) @optional() limits?: AliasLimits,
  ) {
    this.registry = createAliasRegistry(limits ?? {});
  }

  execute(command: AliasCommand, context: CallContext): Promise<CommandOutcome<AliasEvent, AliasRegistryState>> {
    return this.commands.handle(this.registry, aliasRegistryStream(command.accountId, command.region), command, context);
  }

  async load(accountId: string, region: string): Promise<AliasRegistryState> {
    return (await this.commands.load(this.registry, aliasRegistryStream(accountId, region))).state;
  }
}

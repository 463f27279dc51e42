import { inject, injectable } from 'inversify';
import type { AliasCommand, AliasTargetKey } from '../../../domain/alias/alias-commands.js';
import { aliasRegistryStream } from '../../../domain/alias/alias-stream.js';
import type { KmsKey } from '../../../domain/key/index.js';
import { AliasRegistryService } from '../../alias/alias-registry-service.js';
import { AccessControl } from '../access-control.js';
import { auditedContext } from '../call-record.js';
import { optionalInteger, optionalString, requiredString } from '../input.js';
import { KeyRepository } from '../key-repository.js';
import { KEY_ID_OR_ARN, KeyResolver, parseKeyReference } from '../key-resolver.js';
import type { KmsCall } from '../kms-call.js';
import { KmsReadSide } from '../kms-read-side.js';
import type { OperationGroup, OperationHandler } from '../operation-group.js';
import { pageOutput, pageRequest } from '../pagination.js';

/**
 * CreateAlias, UpdateAlias, DeleteAlias, ListAliases. The alias registry of the caller's
 * account and Region decides; the keys involved must allow the action in their policies
 * (UpdateAlias: both the key the alias leaves and the key it moves to).
 */
@injectable()
export class AliasOperations implements OperationGroup {
  readonly handlers: Readonly<Record<string, OperationHandler>> = {
    CreateAlias: (call) => this.changeAlias(call, 'CreateAlias'),
    UpdateAlias: (call) => this.changeAlias(call, 'UpdateAlias'),
    DeleteAlias: (call) => this.deleteAlias(call),
    ListAliases: (call) => this.listAliases(call),
  };

  constructor(
    @inject(AliasRegistryService) private readonly registry: AliasRegistryService,
    @inject(KeyRepository) private readonly keys: KeyRepository,
    @inject(KeyResolver) private readonly resolver: KeyResolver,
    @inject(AccessControl) private readonly access: AccessControl,
    @inject(KmsReadSide) private readonly readSide: KmsReadSide,
  ) {}

  private async changeAlias(call: KmsCall, type: 'CreateAlias' | 'UpdateAlias'): Promise<Record<string, unknown>> {
    const aliasName = requiredString(call.input, 'AliasName');
    const targetKeyId = requiredString(call.input, 'TargetKeyId');
    const target = await this.targetKey(call, targetKeyId);
    if (type === 'UpdateAlias') {
      const current = (await this.registry.load(call.accountId, call.region)).aliases.get(aliasName);
      if (current !== undefined) await this.authorizeOn(call, current.targetKeyId, 'kms:UpdateAlias');
    }
    // A key of another account or Region cannot carry this alias: the registry says so (NotFoundException).
    if (target !== null && target.accountId === call.accountId && target.region === call.region) {
      await this.access.authorize(call, `kms:${type}`, target);
    }
    await this.execute(call, {
      type,
      accountId: call.accountId,
      region: call.region,
      aliasName,
      targetKeyId,
      targetKey: target === null ? null : aliasTarget(target),
    });
    return {};
  }

  private async deleteAlias(call: KmsCall): Promise<Record<string, unknown>> {
    const aliasName = requiredString(call.input, 'AliasName');
    const current = (await this.registry.load(call.accountId, call.region)).aliases.get(aliasName);
    if (current !== undefined) await this.authorizeOn(call, current.targetKeyId, 'kms:DeleteAlias');
    await this.execute(call, { type: 'DeleteAlias', accountId: call.accountId, region: call.region, aliasName });
    return {};
  }

  private async listAliases(call: KmsCall): Promise<Record<string, unknown>> {
    const page = pageRequest('ListAliases', optionalInteger(call.input, 'Limit'), optionalString(call.input, 'Marker'), 50);
    const keyName = optionalString(call.input, 'KeyId');
    await this.access.authorize(call, 'kms:ListAliases', null);
    const keyId = keyName === undefined ? null : (await this.resolver.resolve(call, keyName, KEY_ID_OR_ARN)).key.keyId;
    await this.resolver.catchUp(call, [aliasRegistryStream(call.accountId, call.region)]);
    const result = this.readSide.listAliases(call.accountId, call.region, keyId, page);
    return {
      Aliases: result.items.map((alias) => ({
        AliasName: alias.aliasName,
        AliasArn: alias.aliasArn,
        TargetKeyId: alias.targetKeyId,
        CreationDate: new Date(alias.creationDate),
        LastUpdatedDate: new Date(alias.lastUpdatedDate),
      })),
      ...pageOutput('ListAliases', result),
    };
  }

  /**
   * The key TargetKeyId names, or null when there is none: the registry then answers
   * NotFoundException (and refuses an alias name given as target) in AWS's order.
   */
  private async targetKey(call: KmsCall, targetKeyId: string): Promise<KmsKey | null> {
    let keyId: string;
    try {
      const reference = parseKeyReference(call, targetKeyId, { aliases: false, crossAccount: true });
      keyId = reference.name;
    } catch {
      return null;
    }
    const state = await this.keys.load(keyId);
    if (state.status !== 'Live') return null;
    call.touch({ arn: state.key.arn, accountId: state.key.accountId });
    return state.key;
  }

  private async authorizeOn(call: KmsCall, keyId: string, action: string): Promise<void> {
    const state = await this.keys.load(keyId);
    if (state.status !== 'Live') return;
    call.touch({ arn: state.key.arn, accountId: state.key.accountId });
    await this.access.authorize(call, action, state.key);
  }

  private async execute(call: KmsCall, command: AliasCommand): Promise<void> {
    const outcome = await this.registry.execute(command, auditedContext(call));
    if (outcome.appended !== null) call.markRecordedByEvent();
  }
}

function aliasTarget(key: KmsKey): AliasTargetKey {
  return {
    keyId: key.keyId,
    accountId: key.accountId,
    region: key.region,
    keyState: key.keyState,
    keyManager: 'CUSTOMER',
    keyUsage: key.keyUsage,
    keySpec: key.keySpec,
  };
}


import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'inversify';
import { KmsError } from '../../../domain/errors.js';
import { keyDecider, requireLiveKey, type CreateKey, type TagInput } from '../../../domain/key/index.js';
import { MaterialService } from '../../material/material-service.js';
import { AccessControl } from '../access-control.js';
import { optionalBoolean, optionalInteger, optionalString, optionalStringList, requiredString, structureList } from '../input.js';
import { KeyGate } from '../key-gate.js';
import { keyMetadata } from '../key-metadata.js';
import { KeyRepository } from '../key-repository.js';
import { ANY_KEY_NAME, KEY_ID_OR_ARN, KeyResolver } from '../key-resolver.js';
import type { KmsCall } from '../kms-call.js';
import { KmsReadSide } from '../kms-read-side.js';
import type { OperationGroup, OperationHandler } from '../operation-group.js';
import { pageOutput, pageRequest } from '../pagination.js';

/** Decides a CreateKey before material exists: the decision never depends on the backing key id. */
const PENDING_BACKING_KEY = 'pending';

/** CreateKey, DescribeKey, ListKeys, EnableKey, DisableKey, UpdateKeyDescription. */
@injectable()
export class KeyOperations implements OperationGroup {
  readonly handlers: Readonly<Record<string, OperationHandler>> = {
    CreateKey: (call) => this.createKey(call),
    DescribeKey: (call) => this.describeKey(call),
    ListKeys: (call) => this.listKeys(call),
    EnableKey: (call) => this.setEnabled(call, 'EnableKey'),
    DisableKey: (call) => this.setEnabled(call, 'DisableKey'),
    UpdateKeyDescription: (call) => this.updateKeyDescription(call),
  };

  constructor(
    @inject(KeyRepository) private readonly keys: KeyRepository,
    @inject(KeyGate) private readonly gate: KeyGate,
    @inject(KeyResolver) private readonly resolver: KeyResolver,
    @inject(AccessControl) private readonly access: AccessControl,
    @inject(MaterialService) private readonly material: MaterialService,
    @inject(KmsReadSide) private readonly readSide: KmsReadSide,
  ) {}

  private async createKey(call: KmsCall): Promise<Record<string, unknown>> {
    const input = call.input;
    const keySpec = optionalString(input, 'KeySpec');
    const customerMasterKeySpec = optionalString(input, 'CustomerMasterKeySpec');
    if (keySpec !== undefined && customerMasterKeySpec !== undefined) {
      throw new KmsError('ValidationException', 'You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec is deprecated.');
    }
    if (optionalString(input, 'CustomKeyStoreId') !== undefined || optionalString(input, 'XksKeyId') !== undefined) {
      throw new KmsError('UnsupportedOperationException', 'KeyTrail has no custom key stores.');
    }
    const tags = tagsOf(call);
    const policy = optionalString(input, 'Policy');
    const bypass = optionalBoolean(input, 'BypassPolicyLockoutSafetyCheck') ?? false;
    const keyUsage = optionalString(input, 'KeyUsage');
    const origin = optionalString(input, 'Origin');
    const multiRegion = optionalBoolean(input, 'MultiRegion');
    const spec = keySpec ?? customerMasterKeySpec;
    await this.access.authorize(call, 'kms:CreateKey', null, {
      requestedKey: {
        keySpec: spec ?? 'SYMMETRIC_DEFAULT',
        keyUsage: keyUsage ?? 'ENCRYPT_DECRYPT',
        origin: origin ?? 'AWS_KMS',
        multiRegion: multiRegion ?? false,
      },
      requestTags: Object.fromEntries(tags.map((t) => [t.tagKey, t.tagValue])),
      bypassPolicyLockoutSafetyCheck: bypass,
    });

    const command: CreateKey = {
      type: 'CreateKey',
      keyId: randomUUID(),
      accountId: call.accountId,
      region: call.region,
      now: call.now,
      backingKeyId: PENDING_BACKING_KEY,
      ...(policy === undefined ? {} : { policy, lockoutCheckPassed: true }),
      bypassPolicyLockoutSafetyCheck: bypass,
      tags,
      ...(input['Description'] === undefined ? {} : { description: optionalString(input, 'Description')! }),
      ...(keyUsage === undefined ? {} : { keyUsage }),
      ...(spec === undefined ? {} : { keySpec: spec }),
      ...(origin === undefined ? {} : { origin }),
      ...(multiRegion === undefined ? {} : { multiRegion }),
    };
    // Every rule but the lockout check runs before any material is made, so a refused
    // request leaves nothing behind; the would-be key then answers the lockout question.
    const provisional = keyDecider.decide(command, keyDecider.initialState()).reduce(keyDecider.evolve, keyDecider.initialState());
    const lockoutCheckPassed =
      policy === undefined ||
      (await this.access.decide(call, 'kms:PutKeyPolicy', requireLiveKey(provisional, command.keyId))).effect === 'Allow';
    const { backingKeyId } = await this.material.generate(command.keyId, 1, call.context);
    const outcome = await this.keys.execute(call, { ...command, backingKeyId, ...(policy === undefined ? {} : { lockoutCheckPassed }) });
    const key = requireLiveKey(outcome.state, command.keyId);
    call.touch({ arn: key.arn, accountId: key.accountId });
    return { KeyMetadata: keyMetadata(key) };
  }

  private async describeKey(call: KmsCall): Promise<Record<string, unknown>> {
    const key = await this.gate.read(call, requiredString(call.input, 'KeyId'), ANY_KEY_NAME, 'kms:DescribeKey', {
      grantTokens: optionalStringList(call.input, 'GrantTokens') ?? [],
    });
    return { KeyMetadata: keyMetadata(key) };
  }

  private async listKeys(call: KmsCall): Promise<Record<string, unknown>> {
    const page = pageRequest('ListKeys', optionalInteger(call.input, 'Limit'), optionalString(call.input, 'Marker'), 100);
    await this.access.authorize(call, 'kms:ListKeys', null);
    await this.resolver.catchUp(call);
    const result = this.readSide.listKeys(call.accountId, call.region, page);
    return { Keys: result.items.map((k) => ({ KeyId: k.keyId, KeyArn: k.keyArn })), ...pageOutput('ListKeys', result) };
  }

  private async setEnabled(call: KmsCall, operation: 'EnableKey' | 'DisableKey'): Promise<Record<string, unknown>> {
    const { key } = await this.gate.open(call, requiredString(call.input, 'KeyId'), KEY_ID_OR_ARN, `kms:${operation}`);
    await this.keys.execute(call, { type: operation, keyId: key.keyId });
    return {};
  }

  private async updateKeyDescription(call: KmsCall): Promise<Record<string, unknown>> {
    const description = optionalString(call.input, 'Description');
    if (description === undefined) {
      throw new KmsError('ValidationException', "1 validation error detected: Value null at 'description' failed to satisfy constraint: Member must not be null");
    }
    const { key } = await this.gate.open(call, requiredString(call.input, 'KeyId'), KEY_ID_OR_ARN, 'kms:UpdateKeyDescription');
    await this.keys.execute(call, { type: 'UpdateKeyDescription', keyId: key.keyId, description });
    return {};
  }
}

/** Tags of a CreateKey or TagResource request. */
export function tagsOf(call: KmsCall): TagInput[] {
  return (structureList(call.input, 'Tags') ?? []).map((tag) => ({
    tagKey: optionalString(tag, 'TagKey') ?? '',
    tagValue: optionalString(tag, 'TagValue') ?? '',
  }));
}

import { inject, injectable } from 'inversify';
import { effectiveRotationEnabled, keyDecider, requireLiveKey, type RotateKeyOnDemand } from '../../../domain/key/index.js';
import { MaterialService } from '../../material/material-service.js';
import { optionalInteger, optionalString, requiredString } from '../input.js';
import { KeyGate } from '../key-gate.js';
import { KeyRepository } from '../key-repository.js';
import { KEY_ID_OR_ARN, KEY_ID_OR_ARN_CROSS_ACCOUNT } from '../key-resolver.js';
import type { KmsCall } from '../kms-call.js';
import { KmsReadSide } from '../kms-read-side.js';
import type { OperationGroup, OperationHandler } from '../operation-group.js';
import { pageOfArray, pageOutput, pageRequest } from '../pagination.js';

/** EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus, RotateKeyOnDemand, ListKeyRotations. */
@injectable()
export class RotationOperations implements OperationGroup {
  readonly handlers: Readonly<Record<string, OperationHandler>> = {
    EnableKeyRotation: (call) => this.enableKeyRotation(call),
    DisableKeyRotation: (call) => this.disableKeyRotation(call),
    GetKeyRotationStatus: (call) => this.getKeyRotationStatus(call),
    RotateKeyOnDemand: (call) => this.rotateKeyOnDemand(call),
    ListKeyRotations: (call) => this.listKeyRotations(call),
  };

  constructor(
    @inject(KeyGate) private readonly gate: KeyGate,
    @inject(KeyRepository) private readonly keys: KeyRepository,
    @inject(MaterialService) private readonly material: MaterialService,
    @inject(KmsReadSide) private readonly readSide: KmsReadSide,
  ) {}

  private async enableKeyRotation(call: KmsCall): Promise<Record<string, unknown>> {
    const period = optionalInteger(call.input, 'RotationPeriodInDays');
    const { key } = await this.gate.open(call, requiredString(call.input, 'KeyId'), KEY_ID_OR_ARN, 'kms:EnableKeyRotation');
    await this.keys.execute(call, {
      type: 'EnableKeyRotation',
      keyId: key.keyId,
      now: call.now,
      ...(period === undefined ? {} : { rotationPeriodInDays: period }),
    });
    return {};
  }

  private async disableKeyRotation(call: KmsCall): Promise<Record<string, unknown>> {
    const { key } = await this.gate.open(call, requiredString(call.input, 'KeyId'), KEY_ID_OR_ARN, 'kms:DisableKeyRotation');
    await this.keys.execute(call, { type: 'DisableKeyRotation', keyId: key.keyId });
    return {};
  }

  private async getKeyRotationStatus(call: KmsCall): Promise<Record<string, unknown>> {
    const key = await this.gate.read(call, requiredString(call.input, 'KeyId'), KEY_ID_OR_ARN_CROSS_ACCOUNT, 'kms:GetKeyRotationStatus');
    const enabled = effectiveRotationEnabled(key);
    return {
      KeyId: key.arn,
      KeyRotationEnabled: enabled,
      ...(enabled && key.rotation.periodInDays !== null ? { RotationPeriodInDays: key.rotation.periodInDays } : {}),
      ...(enabled && key.rotation.nextRotationDate !== null ? { NextRotationDate: new Date(key.rotation.nextRotationDate) } : {}),
    };
  }

  /**
   * The new backing key version is made before the key records it; the dry run first
   * makes sure the rotation will be accepted, so a refused request makes no material.
   */
  private async rotateKeyOnDemand(call: KmsCall): Promise<Record<string, unknown>> {
    const { key, state } = await this.gate.open(call, requiredString(call.input, 'KeyId'), KEY_ID_OR_ARN, 'kms:RotateKeyOnDemand');
    const command: RotateKeyOnDemand = { type: 'RotateKeyOnDemand', keyId: key.keyId, now: call.now, backingKeyId: 'pending' };
    keyDecider.decide(command, state);
    const { backingKeyId } = await this.material.generate(key.keyId, key.backingKeys.length + 1, call.context);
    const outcome = await this.keys.execute(call, { ...command, backingKeyId });
    return { KeyId: requireLiveKey(outcome.state, key.keyId).keyId };
  }

  private async listKeyRotations(call: KmsCall): Promise<Record<string, unknown>> {
    const page = pageRequest('ListKeyRotations', optionalInteger(call.input, 'Limit'), optionalString(call.input, 'Marker'), 100);
    const key = await this.gate.read(call, requiredString(call.input, 'KeyId'), KEY_ID_OR_ARN, 'kms:ListKeyRotations');
    const rotations = this.readSide
      .backingKeys(key.keyId)
      .filter((version) => version.rotationType !== null)
      .map((version) => ({ KeyId: key.keyId, RotationDate: new Date(version.createdAt), RotationType: version.rotationType }));
    const result = pageOfArray(rotations, page);
    return { Rotations: result.items, ...pageOutput('ListKeyRotations', result) };
  }
}

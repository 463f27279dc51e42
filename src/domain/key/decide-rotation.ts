import { KmsError } from '../errors.js';
import type { DisableKeyRotation, EnableKeyRotation, RotateKeyAutomatically, RotateKeyOnDemand } from './key-commands.js';
import { assertBackingKeyId } from './key-creation-rules.js';
import type { KeyEvent, RotationType } from './key-events.js';
import { addDays, assertRotationPeriod, DEFAULT_ROTATION_PERIOD_IN_DAYS, hasReached } from './key-schedule.js';
import type { KeyAggregateState, KmsKey } from './key-state.js';
import { assertKeyStateAllows, requireLiveKey } from './key-state-table.js';

/** The first automatic rotation comes one period after rotation is enabled (or its period changed). */
export function decideEnableKeyRotation(command: EnableKeyRotation, state: KeyAggregateState): KeyEvent[] {
  const key = requireLiveKey(state, command.keyId);
  assertKeyStateAllows(key, 'EnableKeyRotation');
  const rotationPeriodInDays = command.rotationPeriodInDays ?? DEFAULT_ROTATION_PERIOD_IN_DAYS;
  assertRotationPeriod(rotationPeriodInDays);
  if (key.rotation.enabled && key.rotation.rotationPeriodInDays === rotationPeriodInDays) return [];
  return [
    {
      type: 'KeyRotationEnabled',
      data: { keyId: key.keyId, rotationPeriodInDays, nextRotationDate: addDays(command.now, rotationPeriodInDays) },
    },
  ];
}

export function decideDisableKeyRotation(command: DisableKeyRotation, state: KeyAggregateState): KeyEvent[] {
  const key = requireLiveKey(state, command.keyId);
  assertKeyStateAllows(key, 'DisableKeyRotation');
  return key.rotation.enabled ? [{ type: 'KeyRotationDisabled', data: { keyId: key.keyId } }] : [];
}

/** On-demand rotations leave the automatic schedule as it was. */
export function decideRotateKeyOnDemand(
  command: RotateKeyOnDemand,
  state: KeyAggregateState,
  maxOnDemandRotations: number,
): KeyEvent[] {
  const key = requireLiveKey(state, command.keyId);
  assertKeyStateAllows(key, 'RotateKeyOnDemand');
  if (key.onDemandRotations >= maxOnDemandRotations) {
    throw new KmsError(
      'LimitExceededException',
      `${key.arn} has been rotated on demand ${key.onDemandRotations} times, the most a key allows`,
    );
  }
  return [rotation(key, 'ON_DEMAND', command.backingKeyId, command.now, key.rotation.enabled ? key.rotation.nextRotationDate : null)];
}

/**
 * The service's scheduled rotation. A disabled key is not rotated; when it is enabled
 * again after its date has passed, it rotates at the next run and every period after.
 */
export function decideRotateKeyAutomatically(command: RotateKeyAutomatically, state: KeyAggregateState): KeyEvent[] {
  const key = requireLiveKey(state, command.keyId);
  const { enabled, rotationPeriodInDays, nextRotationDate } = key.rotation;
  if (!enabled || rotationPeriodInDays === null || nextRotationDate === null) {
    throw new KmsError('KMSInvalidStateException', `Automatic rotation is not enabled for ${key.arn}.`);
  }
  if (key.keyState !== 'Enabled') {
    throw new KmsError('KMSInvalidStateException', `${key.arn} is ${key.keyState}; only enabled keys are rotated.`);
  }
  if (!hasReached(command.now, nextRotationDate)) {
    throw new KmsError('KMSInvalidStateException', `${key.arn} is not due for rotation until ${nextRotationDate}.`);
  }
  return [rotation(key, 'AUTOMATIC', command.backingKeyId, command.now, addDays(command.now, rotationPeriodInDays))];
}

function rotation(
  key: KmsKey,
  rotationType: RotationType,
  backingKeyId: string,
  now: string,
  nextRotationDate: string | null,
): KeyEvent {
  assertBackingKeyId(backingKeyId);
  if (key.backingKeys.some((version) => version.backingKeyId === backingKeyId)) {
    throw new KmsError('ValidationException', `Backing key ${backingKeyId} is already a version of ${key.arn}`);
  }
  return {
    type: 'KeyRotated',
    data: {
      keyId: key.keyId,
      rotationType,
      backingKeyId,
      backingKeyVersion: key.backingKeys.length + 1,
      rotationDate: now,
      nextRotationDate,
    },
  };
}

import { describe, expect, it } from 'vitest';
import type { KeyEvent, KeyRotated } from '../../../src/domain/key/key-events.js';
import { createKeyDecider } from '../../../src/domain/key/key-decider.js';
import { currentBackingKey, effectiveRotationEnabled } from '../../../src/domain/key/key-state.js';
import { deciderSpec } from '../../support/decider-spec.js';
import { ARN, CREATED, DISABLED, KEY_ID, NOW, PENDING_DELETION, spec } from './key-fixtures.js';

const keyId = KEY_ID;
const IN_A_YEAR = '2025-03-01T12:00:00.000Z';

function rotationEnabled(rotationPeriodInDays = 365, nextRotationDate = IN_A_YEAR): KeyEvent {
  return { type: 'KeyRotationEnabled', data: { keyId, rotationPeriodInDays, nextRotationDate } };
}

function rotated(version: number, rotationType: 'AUTOMATIC' | 'ON_DEMAND', rotationDate: string, nextRotationDate: string | null): KeyRotated {
  return {
    type: 'KeyRotated',
    data: { keyId, rotationType, backingKeyId: `bk-${version}`, backingKeyVersion: version, rotationDate, nextRotationDate },
  };
}

const ROTATING = [...CREATED, rotationEnabled()];

describe('EnableKeyRotation', () => {
  it('defaults to a 365-day period, the first rotation one period from now', () => {
    spec.given(CREATED).when({ type: 'EnableKeyRotation', keyId, now: NOW }).then([rotationEnabled()]);
  });

  it('takes a period from 90 to 2560 days', () => {
    spec.given(CREATED).when({ type: 'EnableKeyRotation', keyId, now: NOW, rotationPeriodInDays: 90 }).then([
      rotationEnabled(90, '2024-05-30T12:00:00.000Z'),
    ]);
    spec.given(CREATED).when({ type: 'EnableKeyRotation', keyId, now: NOW, rotationPeriodInDays: 2560 }).then([
      rotationEnabled(2560, '2031-03-05T12:00:00.000Z'),
    ]);
  });

  it.each([89, 2561, 100.5])('refuses a period of %s days', (days) => {
    spec.given(CREATED).when({ type: 'EnableKeyRotation', keyId, now: NOW, rotationPeriodInDays: days }).thenFails('ValidationException');
  });

  it('changes nothing when enabled with the same period, and reschedules for a new one', () => {
    spec.given(ROTATING).when({ type: 'EnableKeyRotation', keyId, now: NOW }).thenNothing();
    spec.given(ROTATING).when({ type: 'EnableKeyRotation', keyId, now: NOW, rotationPeriodInDays: 90 }).then([
      rotationEnabled(90, '2024-05-30T12:00:00.000Z'),
    ]);
  });

  it('refuses a disabled key with DisabledException and one pending deletion with KMSInvalidStateException', () => {
    spec.given(DISABLED).when({ type: 'EnableKeyRotation', keyId, now: NOW }).thenFails('DisabledException', `${ARN} is disabled.`);
    spec.given(PENDING_DELETION).when({ type: 'EnableKeyRotation', keyId, now: NOW }).thenFails('KMSInvalidStateException');
  });
});

describe('DisableKeyRotation', () => {
  it('turns automatic rotation off, and changes nothing when it is off', () => {
    spec.given(ROTATING).when({ type: 'DisableKeyRotation', keyId }).then([{ type: 'KeyRotationDisabled', data: { keyId } }]);
    spec.given(CREATED).when({ type: 'DisableKeyRotation', keyId }).thenNothing();
  });

  it('refuses a disabled key and one pending deletion', () => {
    spec.given([...ROTATING, { type: 'KeyDisabled', data: { keyId } }]).when({ type: 'DisableKeyRotation', keyId }).thenFails('DisabledException');
    spec.given([...ROTATING, ...PENDING_DELETION.slice(CREATED.length)]).when({ type: 'DisableKeyRotation', keyId }).thenFails('KMSInvalidStateException');
  });
});

describe('rotation status', () => {
  it('reads as off while the key is pending deletion and comes back when deletion is canceled', () => {
    const pending = [...ROTATING, ...PENDING_DELETION.slice(CREATED.length)];
    const whilePending = spec.given(pending).state();
    const afterCancel = spec.given([...pending, { type: 'KeyDeletionCanceled', data: { keyId } }]).state();
    expect(whilePending.status === 'Live' && effectiveRotationEnabled(whilePending.key)).toBe(false);
    expect(afterCancel.status === 'Live' && effectiveRotationEnabled(afterCancel.key)).toBe(true);
  });
});

describe('RotateKeyOnDemand', () => {
  it('adds backing key version 2 and leaves the automatic schedule alone', () => {
    spec.given(CREATED).when({ type: 'RotateKeyOnDemand', keyId, now: NOW, backingKeyId: 'bk-2' }).then([rotated(2, 'ON_DEMAND', NOW, null)]);
    spec.given(ROTATING).when({ type: 'RotateKeyOnDemand', keyId, now: NOW, backingKeyId: 'bk-2' }).then([rotated(2, 'ON_DEMAND', NOW, IN_A_YEAR)]);
    const state = spec.given([...ROTATING, rotated(2, 'ON_DEMAND', NOW, IN_A_YEAR)]).state();
    expect(state.status === 'Live' && state.key.rotation.nextRotationDate).toBe(IN_A_YEAR);
  });

  it('keeps every older version for decryption and encrypts with the newest', () => {
    const state = spec.given([...CREATED, rotated(2, 'ON_DEMAND', NOW, null), rotated(3, 'ON_DEMAND', NOW, null)]).state();
    if (state.status !== 'Live') throw new Error('expected a live key');
    expect(state.key.backingKeys.map((v) => [v.backingKeyId, v.version])).toEqual([['bk-1', 1], ['bk-2', 2], ['bk-3', 3]]);
    expect(currentBackingKey(state.key).backingKeyId).toBe('bk-3');
  });

  it('allows 10 on-demand rotations per key, then LimitExceededException', () => {
    const ten = Array.from({ length: 10 }, (_, i) => rotated(i + 2, 'ON_DEMAND', NOW, null));
    spec.given([...CREATED, ...ten.slice(0, 9)]).when({ type: 'RotateKeyOnDemand', keyId, now: NOW, backingKeyId: 'bk-11' }).then([ten[9]!]);
    spec.given([...CREATED, ...ten]).when({ type: 'RotateKeyOnDemand', keyId, now: NOW, backingKeyId: 'bk-12' }).thenFails('LimitExceededException');
  });

  it('does not count automatic rotations against that limit, and takes another limit as an option', () => {
    const automatic = [...ROTATING, rotated(2, 'AUTOMATIC', IN_A_YEAR, '2026-03-01T12:00:00.000Z')];
    const once = deciderSpec(createKeyDecider({ maxOnDemandRotations: 1 }));
    once.given(automatic).when({ type: 'RotateKeyOnDemand', keyId, now: IN_A_YEAR, backingKeyId: 'bk-3' }).then([
      rotated(3, 'ON_DEMAND', IN_A_YEAR, '2026-03-01T12:00:00.000Z'),
    ]);
    once
      .given([...automatic, rotated(3, 'ON_DEMAND', IN_A_YEAR, '2026-03-01T12:00:00.000Z')])
      .when({ type: 'RotateKeyOnDemand', keyId, now: IN_A_YEAR, backingKeyId: 'bk-4' })
      .thenFails('LimitExceededException');
  });

  it('refuses a disabled key, a key pending deletion and a backing key id already used', () => {
    spec.given(DISABLED).when({ type: 'RotateKeyOnDemand', keyId, now: NOW, backingKeyId: 'bk-2' }).thenFails('DisabledException');
    spec.given(PENDING_DELETION).when({ type: 'RotateKeyOnDemand', keyId, now: NOW, backingKeyId: 'bk-2' }).thenFails('KMSInvalidStateException');
    spec.given(CREATED).when({ type: 'RotateKeyOnDemand', keyId, now: NOW, backingKeyId: 'bk-1' }).thenFails('ValidationException');
  });
});

describe('RotateKeyAutomatically (the service, when rotation is due)', () => {
  it('rotates on the date and schedules the next rotation one period later', () => {
    spec.given(ROTATING).when({ type: 'RotateKeyAutomatically', keyId, now: IN_A_YEAR, backingKeyId: 'bk-2' }).then([
      rotated(2, 'AUTOMATIC', IN_A_YEAR, '2026-03-01T12:00:00.000Z'),
    ]);
  });

  it('refuses before the date', () => {
    spec.given(ROTATING).when({ type: 'RotateKeyAutomatically', keyId, now: '2025-03-01T11:59:59.999Z', backingKeyId: 'bk-2' }).thenFails('KMSInvalidStateException', IN_A_YEAR);
  });

  it('refuses when automatic rotation is off or the key is not enabled', () => {
    spec.given(CREATED).when({ type: 'RotateKeyAutomatically', keyId, now: IN_A_YEAR, backingKeyId: 'bk-2' }).thenFails('KMSInvalidStateException');
    const disabled = [...ROTATING, { type: 'KeyDisabled', data: { keyId } } as KeyEvent];
    spec.given(disabled).when({ type: 'RotateKeyAutomatically', keyId, now: IN_A_YEAR, backingKeyId: 'bk-2' }).thenFails('KMSInvalidStateException');
  });

  it('rotates a key enabled again after its date passed, counting the next period from then', () => {
    const later = '2025-06-01T00:00:00.000Z';
    const history: KeyEvent[] = [...ROTATING, { type: 'KeyDisabled', data: { keyId } }, { type: 'KeyEnabled', data: { keyId } }];
    spec.given(history).when({ type: 'RotateKeyAutomatically', keyId, now: later, backingKeyId: 'bk-2' }).then([
      rotated(2, 'AUTOMATIC', later, '2026-06-01T00:00:00.000Z'),
    ]);
  });
});

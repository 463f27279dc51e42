import { describe, expect, it } from 'vitest';
import type { KeyEvent } from '../../../src/domain/key/key-events.js';
import { ARN, CREATED, DELETED, DISABLED, grantCreated, KEY_ID, NOW, PENDING_DELETION, spec } from './key-fixtures.js';

const keyId = KEY_ID;
const DELETION_DATE = '2024-03-31T12:00:00.000Z';

function scheduled(deletionDate: string, pendingWindowInDays: number, keyStateBefore: 'Enabled' | 'Disabled' = 'Enabled'): KeyEvent {
  return { type: 'KeyDeletionScheduled', data: { keyId, deletionDate, pendingWindowInDays, keyStateBefore } };
}

describe('ScheduleKeyDeletion', () => {
  it('defaults to a 30-day waiting period', () => {
    spec.given(CREATED).when({ type: 'ScheduleKeyDeletion', keyId, now: NOW }).then([scheduled(DELETION_DATE, 30)]);
  });

  it('takes 7 to 30 days and remembers the state the key had', () => {
    spec
      .given(DISABLED)
      .when({ type: 'ScheduleKeyDeletion', keyId, now: NOW, pendingWindowInDays: 7 })
      .then([scheduled('2024-03-08T12:00:00.000Z', 7, 'Disabled')]);
  });

  it.each([6, 31, 0, 7.5])('refuses a waiting period of %s days', (days) => {
    spec.given(CREATED).when({ type: 'ScheduleKeyDeletion', keyId, now: NOW, pendingWindowInDays: days }).thenFails('ValidationException');
  });

  it('puts the key in PendingDeletion with its deletion date', () => {
    const state = spec.given(PENDING_DELETION).state();
    expect(state.status === 'Live' && state.key.keyState).toBe('PendingDeletion');
    expect(state.status === 'Live' && state.key.deletionDate).toBe(DELETION_DATE);
  });

  it('refuses a key already pending deletion', () => {
    spec.given(PENDING_DELETION).when({ type: 'ScheduleKeyDeletion', keyId, now: NOW }).thenFails('KMSInvalidStateException', `${ARN} is pending deletion.`);
  });
});

describe('CancelKeyDeletion', () => {
  it('leaves the key Disabled, whatever it was before', () => {
    spec.given(PENDING_DELETION).when({ type: 'CancelKeyDeletion', keyId }).then([{ type: 'KeyDeletionCanceled', data: { keyId } }]);
    const state = spec.given([...PENDING_DELETION, { type: 'KeyDeletionCanceled', data: { keyId } }]).state();
    expect(state.status === 'Live' && state.key.keyState).toBe('Disabled');
    expect(state.status === 'Live' && state.key.deletionDate).toBeNull();
  });

  it('refuses a key that is not pending deletion', () => {
    spec.given(CREATED).when({ type: 'CancelKeyDeletion', keyId }).thenFails('KMSInvalidStateException', `${ARN} is not pending deletion.`);
    spec.given(DISABLED).when({ type: 'CancelKeyDeletion', keyId }).thenFails('KMSInvalidStateException');
  });
});

describe('DeleteKey (the end of the waiting period)', () => {
  it('deletes the key once its deletion date has come', () => {
    spec.given(PENDING_DELETION).when({ type: 'DeleteKey', keyId, now: DELETION_DATE }).then([
      { type: 'KeyDeleted', data: { keyId, deletionDate: DELETION_DATE } },
    ]);
    spec.given(PENDING_DELETION).when({ type: 'DeleteKey', keyId, now: '2024-04-02T00:00:00.000Z' }).then([
      { type: 'KeyDeleted', data: { keyId, deletionDate: '2024-04-02T00:00:00.000Z' } },
    ]);
  });

  it('refuses before the deletion date', () => {
    spec.given(PENDING_DELETION).when({ type: 'DeleteKey', keyId, now: '2024-03-31T11:59:59.999Z' }).thenFails('KMSInvalidStateException', DELETION_DATE);
  });

  it('refuses a key that is not pending deletion', () => {
    spec.given(CREATED).when({ type: 'DeleteKey', keyId, now: '2030-01-01T00:00:00.000Z' }).thenFails('KMSInvalidStateException');
    spec.given(DELETED).when({ type: 'DeleteKey', keyId, now: '2030-01-01T00:00:00.000Z' }).thenFails('NotFoundException');
  });

  it('takes the grants with the key', () => {
    const history: KeyEvent[] = [...CREATED, grantCreated(), ...PENDING_DELETION.slice(CREATED.length), ...DELETED.slice(PENDING_DELETION.length)];
    const state = spec.given(history).state();
    expect(state).toEqual({ status: 'Deleted', keyId, arn: ARN, deletionDate: DELETION_DATE });
    spec.given(history).when({ type: 'RevokeGrant', keyId, grantId: grantCreated().data.grantId }).thenFails('NotFoundException');
  });
});

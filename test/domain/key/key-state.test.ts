import { describe, expect, it } from 'vitest';
import { isKmsError } from '../../../src/domain/errors.js';
import type { KeyCommand } from '../../../src/domain/key/key-commands.js';
import { keyDecider } from '../../../src/domain/key/key-decider.js';
import type { KeyEvent } from '../../../src/domain/key/key-events.js';
import {
  assertUsableForCryptography,
  keyStateAllows,
  type CryptographicOperation,
} from '../../../src/domain/key/key-state-table.js';
import { ARN, CREATED, DELETED, DISABLED, KEY_ID, PENDING_DELETION, spec } from './key-fixtures.js';

const keyId = KEY_ID;

describe('EnableKey / DisableKey', () => {
  it('disables an enabled key and enables a disabled one', () => {
    spec.given(CREATED).when({ type: 'DisableKey', keyId }).then([{ type: 'KeyDisabled', data: { keyId } }]);
    spec.given(DISABLED).when({ type: 'EnableKey', keyId }).then([{ type: 'KeyEnabled', data: { keyId } }]);
  });

  it('changes nothing when the key is already in the asked state', () => {
    spec.given(CREATED).when({ type: 'EnableKey', keyId }).thenNothing();
    spec.given(DISABLED).when({ type: 'DisableKey', keyId }).thenNothing();
  });

  it('refuses both while the key is pending deletion', () => {
    spec.given(PENDING_DELETION).when({ type: 'EnableKey', keyId }).thenFails('KMSInvalidStateException', `${ARN} is pending deletion.`);
    spec.given(PENDING_DELETION).when({ type: 'DisableKey', keyId }).thenFails('KMSInvalidStateException', `${ARN} is pending deletion.`);
  });

  it('answers NotFoundException for a key that does not exist or was deleted', () => {
    spec.given([]).when({ type: 'EnableKey', keyId }).thenFails('NotFoundException', `Key '${KEY_ID}' does not exist`);
    spec.given(DELETED).when({ type: 'DisableKey', keyId }).thenFails('NotFoundException', `Key '${ARN}' does not exist`);
  });

  it('answers NotFoundException when the command names another key than the stream holds', () => {
    spec.given(CREATED).when({ type: 'DisableKey', keyId: '0987dcba-09fe-87dc-65ba-ab0987654321' }).thenFails('NotFoundException');
  });
});

describe('UpdateKeyDescription', () => {
  it('records a new description, in any state but pending deletion', () => {
    spec
      .given(DISABLED)
      .when({ type: 'UpdateKeyDescription', keyId, description: 'archive' })
      .then([{ type: 'KeyDescriptionUpdated', data: { keyId, description: 'archive' } }]);
    spec.given(PENDING_DELETION).when({ type: 'UpdateKeyDescription', keyId, description: 'x' }).thenFails('KMSInvalidStateException');
  });

  it('changes nothing for the same description and refuses more than 8192 characters', () => {
    spec.given(CREATED).when({ type: 'UpdateKeyDescription', keyId, description: '' }).thenNothing();
    spec.given(CREATED).when({ type: 'UpdateKeyDescription', keyId, description: 'x'.repeat(8193) }).thenFails('ValidationException');
  });
});

describe('assertUsableForCryptography', () => {
  const state = (events: KeyEvent[]) => spec.given(events).state();
  const operations: CryptographicOperation[] = ['Encrypt', 'Decrypt', 'GenerateDataKey', 'ReEncryptFrom', 'ReEncryptTo'];

  function codeOf(run: () => unknown): string | null {
    try {
      run();
      return null;
    } catch (e) {
      return isKmsError(e) ? e.code : 'not a KmsError';
    }
  }

  it.each(operations)('lets %s use an enabled key and returns it', (operation) => {
    expect(assertUsableForCryptography(state(CREATED), operation).keyId).toBe(KEY_ID);
  });

  it.each(operations)('refuses %s with DisabledException on a disabled key', (operation) => {
    expect(codeOf(() => assertUsableForCryptography(state(DISABLED), operation))).toBe('DisabledException');
  });

  it.each(operations)('refuses %s with KMSInvalidStateException while pending deletion', (operation) => {
    expect(codeOf(() => assertUsableForCryptography(state(PENDING_DELETION), operation))).toBe('KMSInvalidStateException');
  });

  it('answers NotFoundException for a key never created or deleted', () => {
    expect(codeOf(() => assertUsableForCryptography(state([]), 'Encrypt', KEY_ID))).toBe('NotFoundException');
    expect(codeOf(() => assertUsableForCryptography(state(DELETED), 'Decrypt'))).toBe('NotFoundException');
  });

  it('says the key ARN and the reason, as KMS does', () => {
    expect(() => assertUsableForCryptography(state(DISABLED), 'Encrypt')).toThrow(`${ARN} is disabled.`);
  });
});

describe('key state table', () => {
  it('follows AWS for the management operations', () => {
    expect(keyStateAllows('Disabled', 'CreateGrant')).toBe(false);
    expect(keyStateAllows('PendingDeletion', 'PutKeyPolicy')).toBe(true);
    expect(keyStateAllows('PendingDeletion', 'RevokeGrant')).toBe(true);
    expect(keyStateAllows('PendingDeletion', 'RetireGrant')).toBe(true);
    expect(keyStateAllows('PendingDeletion', 'CreateAlias')).toBe(false);
    expect(keyStateAllows('PendingDeletion', 'DescribeKey')).toBe(true);
    expect(keyStateAllows('Enabled', 'CancelKeyDeletion')).toBe(false);
  });
});

describe('evolve', () => {
  it('passes over event types it does not know, so a replay never stops half-way', () => {
    const before = spec.given(CREATED).state();
    const after = keyDecider.evolve(before, { type: 'SomethingNew', data: {} } as unknown as KeyEvent);
    expect(after).toBe(before);
  });

  it('refuses a command type it does not know', () => {
    spec.given(CREATED).when({ type: 'Explode', keyId } as unknown as KeyCommand).thenFails('UnknownOperationException');
  });
});

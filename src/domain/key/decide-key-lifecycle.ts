import { KmsError } from '../errors.js';
import type {
  CancelKeyDeletion,
  CreateKey,
  DeleteKey,
  DisableKey,
  EnableKey,
  PutKeyPolicy,
  ScheduleKeyDeletion,
  TagResource,
  UntagResource,
  UpdateKeyDescription,
} from './key-commands.js';
import {
  assertBackingKeyId,
  assertDescription,
  assertNewKeyId,
  assertSingleRegion,
  keySpecOf,
  keyUsageOf,
  originOf,
} from './key-creation-rules.js';
import type { KeyEvent } from './key-events.js';
import { keyArn } from './key-identity.js';
import { defaultPolicyFor } from './key-policy-language.js';
import { assertKeyPolicyName, assertLockoutSafe, assertValidKeyPolicy, KEY_POLICY_NAME } from './key-policy-rules.js';
import { addDays, assertPendingWindow, DEFAULT_PENDING_WINDOW_IN_DAYS, hasReached } from './key-schedule.js';
import type { KeyAggregateState } from './key-state.js';
import { assertKeyStateAllows, requireLiveKey } from './key-state-table.js';
import { tagChanges, tagRemovals } from './tag-rules.js';

export function decideCreateKey(command: CreateKey, state: KeyAggregateState): KeyEvent[] {
  if (state.status !== 'NotCreated') throw new KmsError('AlreadyExistsException', `Key '${command.keyId}' already exists`);
  assertNewKeyId(command.keyId);
  const keyUsage = keyUsageOf(command.keyUsage);
  const keySpec = keySpecOf(command.keySpec);
  const origin = originOf(command.origin);
  assertSingleRegion(command.multiRegion);
  const description = command.description ?? '';
  assertDescription(description);
  assertBackingKeyId(command.backingKeyId);
  const bypass = command.bypassPolicyLockoutSafetyCheck ?? false;
  let policy: string;
  if (command.policy === undefined) {
    policy = defaultPolicyFor(command.accountId);
  } else {
    assertValidKeyPolicy(command.policy);
    assertLockoutSafe(command.lockoutCheckPassed ?? false, bypass);
    policy = command.policy;
  }
  const tags = tagChanges(new Map(), command.tags ?? []);
  const { keyId } = command;
  const events: KeyEvent[] = [
    {
      type: 'KeyCreated',
      data: {
        keyId,
        arn: keyArn(command.region, command.accountId, keyId),
        accountId: command.accountId,
        region: command.region,
        description,
        keyUsage,
        keySpec,
        origin,
        keyManager: 'CUSTOMER',
        multiRegion: false,
        creationDate: command.now,
        backingKeyId: command.backingKeyId,
      },
    },
    {
      type: 'PolicyPut',
      data: {
        keyId,
        policyName: KEY_POLICY_NAME,
        policy,
        bypassPolicyLockoutSafetyCheck: bypass,
        defaultPolicy: command.policy === undefined,
      },
    },
  ];
  if (tags.length > 0) events.push({ type: 'KeyTagged', data: { keyId, tags } });
  return events;
}

export function decideEnableKey(command: EnableKey, state: KeyAggregateState): KeyEvent[] {
  const key = requireLiveKey(state, command.keyId);
  assertKeyStateAllows(key, 'EnableKey');
  return key.keyState === 'Enabled' ? [] : [{ type: 'KeyEnabled', data: { keyId: key.keyId } }];
}

export function decideDisableKey(command: DisableKey, state: KeyAggregateState): KeyEvent[] {
  const key = requireLiveKey(state, command.keyId);
  assertKeyStateAllows(key, 'DisableKey');
  return key.keyState === 'Disabled' ? [] : [{ type: 'KeyDisabled', data: { keyId: key.keyId } }];
}

export function decideUpdateKeyDescription(command: UpdateKeyDescription, state: KeyAggregateState): KeyEvent[] {
  const key = requireLiveKey(state, command.keyId);
  assertKeyStateAllows(key, 'UpdateKeyDescription');
  assertDescription(command.description);
  if (key.description === command.description) return [];
  return [{ type: 'KeyDescriptionUpdated', data: { keyId: key.keyId, description: command.description } }];
}

export function decideScheduleKeyDeletion(command: ScheduleKeyDeletion, state: KeyAggregateState): KeyEvent[] {
  const key = requireLiveKey(state, command.keyId);
  assertKeyStateAllows(key, 'ScheduleKeyDeletion');
  const pendingWindowInDays = command.pendingWindowInDays ?? DEFAULT_PENDING_WINDOW_IN_DAYS;
  assertPendingWindow(pendingWindowInDays);
  return [
    {
      type: 'KeyDeletionScheduled',
      data: {
        keyId: key.keyId,
        deletionDate: addDays(command.now, pendingWindowInDays),
        pendingWindowInDays,
        keyStateBefore: key.keyState === 'Enabled' ? 'Enabled' : 'Disabled',
      },
    },
  ];
}

export function decideCancelKeyDeletion(command: CancelKeyDeletion, state: KeyAggregateState): KeyEvent[] {
  const key = requireLiveKey(state, command.keyId);
  assertKeyStateAllows(key, 'CancelKeyDeletion');
  return [{ type: 'KeyDeletionCanceled', data: { keyId: key.keyId } }];
}

/** The end of the waiting period: refused while the key is not pending deletion or the date is still ahead. */
export function decideDeleteKey(command: DeleteKey, state: KeyAggregateState): KeyEvent[] {
  const key = requireLiveKey(state, command.keyId);
  if (key.keyState !== 'PendingDeletion' || key.deletionDate === null) {
    throw new KmsError('KMSInvalidStateException', `${key.arn} is not pending deletion.`);
  }
  if (!hasReached(command.now, key.deletionDate)) {
    throw new KmsError('KMSInvalidStateException', `${key.arn} is pending deletion until ${key.deletionDate}.`);
  }
  return [{ type: 'KeyDeleted', data: { keyId: key.keyId, deletionDate: command.now } }];
}

export function decideTagResource(command: TagResource, state: KeyAggregateState): KeyEvent[] {
  const key = requireLiveKey(state, command.keyId);
  assertKeyStateAllows(key, 'TagResource');
  const tags = tagChanges(key.tags, command.tags);
  return tags.length === 0 ? [] : [{ type: 'KeyTagged', data: { keyId: key.keyId, tags } }];
}

export function decideUntagResource(command: UntagResource, state: KeyAggregateState): KeyEvent[] {
  const key = requireLiveKey(state, command.keyId);
  assertKeyStateAllows(key, 'UntagResource');
  const tagKeys = tagRemovals(key.tags, command.tagKeys);
  return tagKeys.length === 0 ? [] : [{ type: 'KeyUntagged', data: { keyId: key.keyId, tagKeys } }];
}

export function decidePutKeyPolicy(command: PutKeyPolicy, state: KeyAggregateState): KeyEvent[] {
  const key = requireLiveKey(state, command.keyId);
  assertKeyStateAllows(key, 'PutKeyPolicy');
  const policyName = command.policyName ?? KEY_POLICY_NAME;
  assertKeyPolicyName(policyName);
  assertValidKeyPolicy(command.policy);
  const bypass = command.bypassPolicyLockoutSafetyCheck ?? false;
  assertLockoutSafe(command.lockoutCheckPassed, bypass);
  if (command.policy === key.policy) return [];
  return [
    {
      type: 'PolicyPut',
      data: { keyId: key.keyId, policyName, policy: command.policy, bypassPolicyLockoutSafetyCheck: bypass, defaultPolicy: false },
    },
  ];
}

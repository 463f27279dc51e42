import type { Grant, GrantConstraints } from './grant.js';
import { GrantTable } from './grant-table.js';
import type { GrantConstraintsData, GrantCreatedData, KeyEvent } from './key-events.js';
import type { KeyAggregateState, KmsKey } from './key-state.js';

/**
 * Folds one event into the state. Total and forgiving: an event that does not fit the
 * state (which the decider never produces) leaves it unchanged rather than throwing, so a
 * replay never stops half-way.
 */
export function evolveKey(state: KeyAggregateState, event: KeyEvent): KeyAggregateState {
  if (event.type === 'KeyCreated') {
    if (state.status !== 'NotCreated') return state;
    const d = event.data;
    return {
      status: 'Live',
      key: {
        keyId: d.keyId,
        arn: d.arn,
        accountId: d.accountId,
        region: d.region,
        description: d.description,
        keyUsage: d.keyUsage,
        keySpec: d.keySpec,
        origin: d.origin,
        creationDate: d.creationDate,
        keyState: 'Enabled',
        deletionDate: null,
        pendingWindowInDays: null,
        policy: '',
        rotation: { enabled: false, rotationPeriodInDays: null, nextRotationDate: null },
        onDemandRotations: 0,
        backingKeys: [{ backingKeyId: d.backingKeyId, version: 1, createdAt: d.creationDate, rotationType: null }],
        tags: new Map(),
        grants: GrantTable.EMPTY,
      },
    };
  }
  if (state.status !== 'Live') return state;
  const key = state.key;
  const next = (changes: Partial<KmsKey>): KeyAggregateState => ({ status: 'Live', key: { ...key, ...changes } });

  switch (event.type) {
    case 'KeyEnabled':
      return next({ keyState: 'Enabled' });
    case 'KeyDisabled':
      return next({ keyState: 'Disabled' });
    case 'KeyDescriptionUpdated':
      return next({ description: event.data.description });
    case 'KeyRotationEnabled':
      return next({
        rotation: {
          enabled: true,
          rotationPeriodInDays: event.data.rotationPeriodInDays,
          nextRotationDate: event.data.nextRotationDate,
        },
      });
    case 'KeyRotationDisabled':
      return next({ rotation: { ...key.rotation, enabled: false, nextRotationDate: null } });
    case 'KeyRotated': {
      const d = event.data;
      return next({
        backingKeys: [
          ...key.backingKeys,
          { backingKeyId: d.backingKeyId, version: d.backingKeyVersion, createdAt: d.rotationDate, rotationType: d.rotationType },
        ],
        onDemandRotations: key.onDemandRotations + (d.rotationType === 'ON_DEMAND' ? 1 : 0),
        rotation: d.rotationType === 'AUTOMATIC' ? { ...key.rotation, nextRotationDate: d.nextRotationDate } : key.rotation,
      });
    }
    case 'KeyDeletionScheduled':
      return next({
        keyState: 'PendingDeletion',
        deletionDate: event.data.deletionDate,
        pendingWindowInDays: event.data.pendingWindowInDays,
      });
    case 'KeyDeletionCanceled':
      return next({ keyState: 'Disabled', deletionDate: null, pendingWindowInDays: null });
    case 'KeyDeleted':
      return { status: 'Deleted', keyId: key.keyId, arn: key.arn, deletionDate: event.data.deletionDate };
    case 'KeyTagged': {
      const tags = new Map(key.tags);
      for (const { tagKey, tagValue } of event.data.tags) tags.set(tagKey, tagValue);
      return next({ tags });
    }
    case 'KeyUntagged': {
      const tags = new Map(key.tags);
      for (const tagKey of event.data.tagKeys) tags.delete(tagKey);
      return next({ tags });
    }
    case 'PolicyPut':
      return next({ policy: event.data.policy });
    case 'GrantCreated':
      return next({ grants: key.grants.with(grantFromEvent(event.data)) });
    case 'GrantRetired':
    case 'GrantRevoked':
      return next({ grants: key.grants.without(event.data.grantId) });
    default:
      return state;
  }
}

/** The shared Grant shape from event data: null fields become absent ones. */
export function grantFromEvent(d: GrantCreatedData): Grant {
  return {
    grantId: d.grantId,
    keyId: d.keyId,
    ...(d.name !== null ? { name: d.name } : {}),
    granteePrincipal: d.granteePrincipal,
    ...(d.retiringPrincipal !== null ? { retiringPrincipal: d.retiringPrincipal } : {}),
    issuingPrincipal: d.issuingPrincipal,
    issuingAccount: d.issuingAccount,
    operations: d.operations,
    ...(d.constraints !== null ? { constraints: constraintsFromEvent(d.constraints) } : {}),
    creationDate: d.creationDate,
  };
}

function constraintsFromEvent(c: GrantConstraintsData): GrantConstraints {
  return {
    ...(c.encryptionContextEquals !== null ? { encryptionContextEquals: c.encryptionContextEquals } : {}),
    ...(c.encryptionContextSubset !== null ? { encryptionContextSubset: c.encryptionContextSubset } : {}),
  };
}

import { CALL_RECORD_EVENT_TYPE, CALL_RECORD_STREAM_CATEGORY } from '../kms/call-record.js';
import type { EventFilter, RecordedEvent } from '../ports/event-store.js';

/**
 * Which stored events are CloudTrail records. One KMS call leaves either one call record
 * (`KmsCallRecorded`) or one append of domain events that all carry the same call
 * context; a few calls write more than one append (CreateKey also writes key material,
 * the end of a deletion window also removes aliases and records the shredding). So each
 * call is represented by exactly one "principal" event: the one whose type is what the
 * operation is about. Everything else carrying the same call is part of that record.
 *
 * Not KMS calls, so never CloudTrail records of kms.amazonaws.com: identity directory
 * events (IAM actions), installation, key material, and KeyTrail's own ledgers.
 */
export const KEY_STREAM_PREFIX = 'kmskey-';
export const ALIAS_STREAM_PREFIX = 'kmsalias-';
export const CALL_STREAM_PREFIX = `${CALL_RECORD_STREAM_CATEGORY}-`;

export const AUDIT_FILTER: EventFilter = { streamNamePrefixes: [KEY_STREAM_PREFIX, ALIAS_STREAM_PREFIX, CALL_STREAM_PREFIX] };

/** The event that stands for a call which changed something, by CloudTrail eventName. */
export const PRINCIPAL_EVENT_OF_OPERATION: Readonly<Record<string, string>> = {
  CreateKey: 'KeyCreated',
  EnableKey: 'KeyEnabled',
  DisableKey: 'KeyDisabled',
  UpdateKeyDescription: 'KeyDescriptionUpdated',
  EnableKeyRotation: 'KeyRotationEnabled',
  DisableKeyRotation: 'KeyRotationDisabled',
  RotateKeyOnDemand: 'KeyRotated',
  ScheduleKeyDeletion: 'KeyDeletionScheduled',
  CancelKeyDeletion: 'KeyDeletionCanceled',
  PutKeyPolicy: 'PolicyPut',
  TagResource: 'KeyTagged',
  UntagResource: 'KeyUntagged',
  CreateGrant: 'GrantCreated',
  RetireGrant: 'GrantRetired',
  RevokeGrant: 'GrantRevoked',
  CreateAlias: 'AliasCreated',
  UpdateAlias: 'AliasUpdated',
  DeleteAlias: 'AliasDeleted',
  // Service events: automatic rotation and the end of a deletion's waiting period.
  RotateKey: 'KeyRotated',
  DeleteKey: 'KeyDeleted',
};

export function operationOf(event: RecordedEvent): string | null {
  const operation = event.metadata['operation'];
  return typeof operation === 'string' ? operation : null;
}

/** True when this event is the one that stands for a KMS call in CloudTrail. */
export function isCloudTrailEvent(event: RecordedEvent): boolean {
  if (event.stream.startsWith(CALL_STREAM_PREFIX)) return event.type === CALL_RECORD_EVENT_TYPE;
  if (!event.stream.startsWith(KEY_STREAM_PREFIX) && !event.stream.startsWith(ALIAS_STREAM_PREFIX)) return false;
  const operation = operationOf(event);
  return operation !== null && PRINCIPAL_EVENT_OF_OPERATION[operation] === event.type;
}

/** The key id whose ARN the record needs but the event does not carry; null when it does. */
export function keyToLocate(event: RecordedEvent): string | null {
  if (!event.stream.startsWith(KEY_STREAM_PREFIX) || event.type === 'KeyCreated') return null;
  return event.stream.slice(KEY_STREAM_PREFIX.length);
}

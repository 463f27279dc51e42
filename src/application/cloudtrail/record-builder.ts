import type { CallContext } from '../../domain/call-context.js';
import type { KeyCreatedData, KeyDeletionScheduledData, KeyRotatedData, GrantCreatedData } from '../../domain/key/index.js';
import { CALL_RECORD_EVENT_TYPE } from '../kms/call-record.js';
import type { JsonObject, JsonValue, RecordedEvent } from '../ports/event-store.js';
import { ALIAS_STREAM_PREFIX, KEY_STREAM_PREFIX } from './audit-events.js';
import { cloudTrailTime, responseDate } from './aws-time.js';
import {
  CLOUDTRAIL_EVENT_VERSION,
  KMS_EVENT_SOURCE,
  type CloudTrailRecord,
  type CloudTrailResource,
} from './cloudtrail-record.js';
import type { KeyLocation } from './key-location.js';
import { AWS_INTERNAL, userIdentityOf } from './user-identity.js';

/**
 * THE mapping from stored events to CloudTrail records. A call record already holds what
 * the call asked and how it ended; a domain event holds the call in its metadata and the
 * change in its data, from which the response elements KMS logs are rebuilt. Both then
 * go through the same per-operation rules, so a call reads the same whichever way it was
 * stored. Nothing secret is added here: request parameters were stripped when recorded.
 */
interface CallFacts {
  readonly readOnly: boolean;
  readonly requestParameters: JsonObject | null;
  readonly responseElements: JsonObject | null;
  readonly error: { readonly errorCode: string; readonly errorMessage: string } | null;
  readonly resources: readonly CloudTrailResource[];
  readonly additionalEventData?: JsonObject;
  readonly serviceEventDetails?: JsonObject;
}

export function buildCloudTrailRecord(event: RecordedEvent, key: KeyLocation | null): CloudTrailRecord {
  const context = callContextOf(event);
  const facts = event.type === CALL_RECORD_EVENT_TYPE ? callRecordFacts(event) : domainFacts(event, context, key);
  const serviceEvent = context.eventType === 'AwsServiceEvent';
  const requestParameters = loggedRequest(context.operation, facts);
  // Built field by field in AWS's order rather than with conditional spreads: the record
  // keeps a fast object shape, which is quicker to build and to stringify.
  const record: Writable<CloudTrailRecord> = {
    eventVersion: CLOUDTRAIL_EVENT_VERSION,
    userIdentity: userIdentityOf(context.caller, context.eventType),
    eventTime: cloudTrailTime(context.time),
    eventSource: KMS_EVENT_SOURCE,
    eventName: context.operation,
    awsRegion: context.region,
    sourceIPAddress: serviceEvent ? AWS_INTERNAL : context.sourceIp,
    userAgent: serviceEvent ? AWS_INTERNAL : context.userAgent,
  } as Writable<CloudTrailRecord>;
  if (facts.error !== null) {
    record.errorCode = facts.error.errorCode;
    record.errorMessage = facts.error.errorMessage;
  }
  record.requestParameters = requestParameters;
  record.responseElements = facts.error === null ? facts.responseElements : null;
  if (facts.additionalEventData !== undefined) record.additionalEventData = facts.additionalEventData;
  // Service events answer no request, so AWS writes no requestID for them.
  if (!serviceEvent) record.requestID = context.requestId;
  record.eventID = context.eventId;
  record.readOnly = facts.readOnly;
  record.resources = facts.resources;
  record.eventType = context.eventType;
  record.managementEvent = true;
  record.recipientAccountId = context.caller.accountId;
  if (facts.serviceEventDetails !== undefined) record.serviceEventDetails = facts.serviceEventDetails;
  record.eventCategory = 'Management';
  return record;
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

export class NotACallRecordError extends Error {
  override readonly name = 'NotACallRecordError';
}

function callContextOf(event: RecordedEvent): CallContext {
  const m = event.metadata;
  for (const field of ['requestId', 'eventId', 'time', 'region', 'operation', 'eventType', 'sourceIp', 'userAgent'] as const) {
    if (typeof m[field] !== 'string') throw new NotACallRecordError(`${event.stream}@${event.revision}: metadata has no ${field}`);
  }
  if (typeof m['caller'] !== 'object' || m['caller'] === null) throw new NotACallRecordError(`${event.stream}@${event.revision}: metadata has no caller`);
  return m as unknown as CallContext;
}

function objectOrNull(value: JsonValue | undefined): JsonObject | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : null;
}

function resource(accountId: string, arn: string): CloudTrailResource {
  return { accountId, type: 'AWS::KMS::Key', ARN: arn };
}

function callRecordFacts(event: RecordedEvent): CallFacts {
  const data = event.data as JsonObject;
  const errorCode = data['errorCode'];
  const resources = Array.isArray(data['resources']) ? data['resources'] : [];
  return {
    readOnly: data['readOnly'] === true,
    requestParameters: objectOrNull(data['requestParameters']),
    responseElements: withKeyArn(objectOrNull(data['responseElements']), data['readOnly'] === true, resources[0]),
    error: typeof errorCode === 'string' ? { errorCode, errorMessage: String(data['errorMessage'] ?? '') } : null,
    resources: namedKeys(resources),
  };
}

function namedKeys(list: readonly JsonValue[]): CloudTrailResource[] {
  const out: CloudTrailResource[] = [];
  for (const r of list) {
    const o = objectOrNull(r);
    if (o !== null && typeof o['ARN'] === 'string' && typeof o['accountId'] === 'string') out.push(resource(o['accountId'], o['ARN']));
  }
  return out;
}

/**
 * Since December 2022 KMS logs the key ARN as responseElements.keyId for changes to a
 * key, even where the operation itself returns nothing.
 */
function withKeyArn(response: JsonObject | null, readOnly: boolean, first: JsonValue | undefined): JsonObject | null {
  const arn = objectOrNull(first)?.['ARN'];
  if (readOnly || typeof arn !== 'string') return response;
  if (response !== null && 'keyId' in response) return response;
  return { ...(response ?? {}), keyId: arn };
}

function domainFacts(event: RecordedEvent, context: CallContext, located: KeyLocation | null): CallFacts {
  const requestParameters = objectOrNull((event.metadata as JsonObject)['requestParameters']);
  const base = { readOnly: false, requestParameters, error: null };
  if (event.stream.startsWith(ALIAS_STREAM_PREFIX)) {
    const data = event.data as { aliasArn: string; targetKeyId: string };
    const account = data.aliasArn.split(':')[4] ?? context.caller.accountId;
    const keyArn = data.aliasArn.replace(/:alias\/.*$/, `:key/${data.targetKeyId}`);
    return { ...base, responseElements: { keyId: keyArn }, resources: [resource(account, data.aliasArn), resource(account, keyArn)] };
  }
  const keyId = event.stream.slice(KEY_STREAM_PREFIX.length);
  const key = keyOf(event, context, keyId, located);
  const resources = [resource(key.accountId, key.arn)];
  switch (event.type) {
    case 'KeyCreated':
      return { ...base, resources, responseElements: { keyMetadata: createdKeyMetadata(event.data as KeyCreatedData) } };
    case 'GrantCreated':
      return { ...base, resources, responseElements: { grantId: (event.data as GrantCreatedData).grantId, keyId: key.arn } };
    case 'GrantRetired':
      return { ...base, resources, responseElements: null, additionalEventData: { grantId: (event.data as { grantId: string }).grantId } };
    case 'KeyDeletionScheduled': {
      const data = event.data as KeyDeletionScheduledData;
      return {
        ...base,
        resources,
        responseElements: { keyId: key.arn, keyState: 'PendingDeletion', deletionDate: responseDate(data.deletionDate), pendingWindowInDays: data.pendingWindowInDays },
      };
    }
    case 'KeyRotated': {
      const data = event.data as KeyRotatedData;
      if (context.eventType === 'AwsServiceEvent') {
        return { ...base, resources, responseElements: null, serviceEventDetails: { rotationType: data.rotationType, keyId: data.keyId } };
      }
      return { ...base, resources, responseElements: { keyId: data.keyId } };
    }
    default:
      return { ...base, resources, responseElements: { keyId: key.arn } };
  }
}

function keyOf(event: RecordedEvent, context: CallContext, keyId: string, located: KeyLocation | null): KeyLocation {
  if (event.type === 'KeyCreated') {
    const data = event.data as KeyCreatedData;
    return { arn: data.arn, accountId: data.accountId };
  }
  if (located !== null) return located;
  // A key stream whose KeyCreated is gone cannot be; name the key as its caller would have.
  const account = context.caller.accountId;
  return { arn: `arn:aws:kms:${context.region}:${account}:key/${keyId}`, accountId: account };
}

/** KeyMetadata as KMS logs it for CreateKey: the key just made, Enabled. */
function createdKeyMetadata(data: KeyCreatedData): JsonObject {
  return {
    AWSAccountId: data.accountId,
    keyId: data.keyId,
    arn: data.arn,
    creationDate: responseDate(data.creationDate),
    enabled: true,
    description: data.description,
    keyUsage: data.keyUsage,
    keyState: 'Enabled',
    origin: data.origin,
    keyManager: data.keyManager,
    customerMasterKeySpec: data.keySpec,
    keySpec: data.keySpec,
    encryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
    multiRegion: data.multiRegion,
  };
}

/** Encrypt and Decrypt records always name the algorithm; a successful Decrypt names the key it used. */
function loggedRequest(operation: string, facts: CallFacts): JsonObject | null {
  if (operation !== 'Encrypt' && operation !== 'Decrypt') return facts.requestParameters;
  const params: JsonObject = { ...(facts.requestParameters ?? {}) };
  if (params['encryptionAlgorithm'] === undefined) params['encryptionAlgorithm'] = 'SYMMETRIC_DEFAULT';
  const used = facts.resources[0];
  if (operation === 'Decrypt' && params['keyId'] === undefined && facts.error === null && used !== undefined) params['keyId'] = used.ARN;
  return params;
}

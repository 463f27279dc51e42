import type { CallContext } from '../../domain/call-context.js';
import { isKmsError } from '../../domain/errors.js';
import type { EventToAppend, JsonObject, JsonValue } from '../ports/event-store.js';
import { eventMetadata } from '../event-metadata.js';
import type { KmsCall } from './kms-call.js';

/**
 * The one place that decides what the audit trail says about a call. A call that changed
 * something is recorded by its domain events, whose metadata carries the call context and
 * the request parameters built here; every other call (reads, cryptography, no-op
 * mutations, failures) gets one `KmsCallRecorded` event built here as well. Neither ever
 * holds plaintext, ciphertext, data keys or grant tokens.
 */
export const CALL_RECORD_EVENT_TYPE = 'KmsCallRecorded';
export const CALL_RECORD_SCHEMA_VERSION = 1;
export const CALL_RECORD_STREAM_CATEGORY = 'kmscall';

/** One stream per caller account, Region and UTC day: CloudTrail delivers per account and Region. */
export function callRecordStream(accountId: string, region: string, isoTime: string): string {
  const day = isoTime.slice(0, 10).replaceAll('-', '');
  return `${CALL_RECORD_STREAM_CATEGORY}-${accountId}_${region}_${day}`;
}

/** Operations whose records CloudTrail marks readOnly and logs without response elements. */
const READ_ONLY_OPERATIONS: ReadonlySet<string> = new Set([
  'DescribeKey', 'ListKeys', 'GetKeyRotationStatus', 'ListKeyRotations', 'GetKeyPolicy', 'ListKeyPolicies',
  'ListGrants', 'ListRetirableGrants', 'ListAliases', 'ListResourceTags', 'Encrypt', 'Decrypt', 'ReEncrypt',
  'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'GenerateRandom',
]);

export function isReadOnlyOperation(operation: string): boolean {
  return READ_ONLY_OPERATIONS.has(operation);
}

/** Members that are secrets, or carry one, whatever the operation. */
const SECRET_MEMBERS: ReadonlySet<string> = new Set(['Plaintext', 'CiphertextBlob', 'GrantTokens', 'GrantToken']);

/** Members whose value is a caller's string map: its keys are data, not member names to rename. */
const MAP_MEMBERS: ReadonlySet<string> = new Set([
  'EncryptionContext', 'SourceEncryptionContext', 'DestinationEncryptionContext', 'EncryptionContextSubset', 'EncryptionContextEquals',
]);

const camelNames = new Map<string, string>();

/** CloudTrail spells members in camelCase (keyId, encryptionContext, keyMetadata). */
function camelCase(member: string): string {
  let name = camelNames.get(member);
  if (name === undefined) {
    name = member === 'AWSAccountId' ? 'aWSAccountId' : member.charAt(0).toLowerCase() + member.slice(1);
    // Member names come from the model; a caller's map keys are copied as they are, never renamed here.
    if (camelNames.size < 1024) camelNames.set(member, name);
  }
  return name;
}

function logged(value: unknown, copyKeys = false): JsonValue | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  // Any blob is key material, plaintext or ciphertext: never logged, whatever its member.
  if (value instanceof Uint8Array) return undefined;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => logged(v) ?? null);
  if (typeof value === 'object') {
    const out: JsonObject = {};
    const source = value as Record<string, unknown>;
    for (const member of Object.keys(source)) {
      if (!copyKeys && SECRET_MEMBERS.has(member)) continue;
      const converted = logged(source[member], !copyKeys && MAP_MEMBERS.has(member));
      if (converted === undefined) continue;
      const name = copyKeys ? member : camelCase(member);
      // A caller's map key "__proto__" stays an own member, as JSON.parse would make it.
      if (name === '__proto__') Object.defineProperty(out, name, { value: converted, enumerable: true, writable: true, configurable: true });
      else out[name] = converted;
    }
    return out;
  }
  return undefined;
}

/** The request parameters CloudTrail would show for this call: null when the request had none. */
export function loggedRequestParameters(input: Readonly<Record<string, unknown>>): JsonObject | null {
  const out = logged(input) as JsonObject;
  return Object.keys(out).length === 0 ? null : out;
}

/** Response elements are logged for management changes only; reads and cryptography log none. */
export function loggedResponseElements(operation: string, output: Readonly<Record<string, unknown>> | undefined): JsonObject | null {
  if (output === undefined || isReadOnlyOperation(operation)) return null;
  const out = logged(output) as JsonObject;
  return Object.keys(out).length === 0 ? null : out;
}

/**
 * The context a mutation's domain events carry: the call plus its logged request
 * parameters, so the event alone rebuilds the CloudTrail record.
 */
export function auditedContext(call: KmsCall): CallContext {
  return { ...call.context, requestParameters: loggedRequestParameters(call.input) } as CallContext;
}

export type CallOutcome =
  | { readonly kind: 'succeeded'; readonly output: Readonly<Record<string, unknown>> }
  | { readonly kind: 'failed'; readonly error: unknown };

/** What AWS would show as errorCode/errorMessage: internal faults stay opaque. */
export function loggedError(error: unknown): { errorCode: string; errorMessage: string } {
  if (isKmsError(error)) return { errorCode: error.code, errorMessage: error.message };
  return { errorCode: 'KMSInternalException', errorMessage: 'An internal error occurred.' };
}

export function buildCallRecord(call: KmsCall, outcome: CallOutcome): { stream: string; event: EventToAppend } {
  const failure = outcome.kind === 'failed' ? loggedError(outcome.error) : null;
  const data: JsonObject = {
    operation: call.operation,
    readOnly: isReadOnlyOperation(call.operation),
    requestParameters: loggedRequestParameters(call.input),
    responseElements: outcome.kind === 'succeeded' ? loggedResponseElements(call.operation, outcome.output) : null,
    errorCode: failure?.errorCode ?? null,
    errorMessage: failure?.errorMessage ?? null,
    resources: call.touchedKeys.map((key) => ({ accountId: key.accountId, type: 'AWS::KMS::Key', ARN: key.arn })),
  };
  return {
    stream: callRecordStream(call.accountId, call.region, call.context.time),
    event: { id: call.context.eventId, type: CALL_RECORD_EVENT_TYPE, data, metadata: eventMetadata(call.context, CALL_RECORD_SCHEMA_VERSION) },
  };
}

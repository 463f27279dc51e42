import type { CallContext } from '../../../domain/call-context.js';
import type { JsonObject } from '../../ports/event-store.js';
import { serviceCallContext } from '../../service-call.js';

/** The principal CloudTrail names for what KMS does on its own schedule. */
export const KMS_SERVICE_PRINCIPAL = 'kms.amazonaws.com';

/** The CloudTrail eventName of each timed action. */
export type ServiceEventName = 'RotateKey' | 'DeleteKey';

/**
 * A KMS service event about one key. CloudTrail files it under the key's account
 * (userIdentity.accountId and recipientAccountId are the key owner's), so the caller's
 * account is the key's, not AWS's.
 */
export function kmsServiceEventContext(eventName: ServiceEventName, key: { accountId: string; region: string }, now: Date): CallContext {
  const context = serviceCallContext(eventName, key.region, now, KMS_SERVICE_PRINCIPAL);
  return { ...context, caller: { ...context.caller, accountId: key.accountId } };
}

/**
 * The call context an earlier event carries, so that the steps finishing an interrupted
 * action are recorded as part of the same service event rather than as a second one.
 */
export function contextFromMetadata(metadata: JsonObject): CallContext {
  const { schemaVersion: _schemaVersion, ...context } = metadata;
  for (const field of ['requestId', 'eventId', 'time', 'region', 'operation', 'eventType'] as const) {
    if (typeof context[field] !== 'string') throw new Error(`Event metadata has no call context (${field} is missing)`);
  }
  if (typeof context['caller'] !== 'object' || context['caller'] === null) throw new Error('Event metadata has no caller');
  return context as unknown as CallContext;
}

import { randomUUID } from 'node:crypto';
import type { CallContext } from '../../domain/call-context.js';
import type { AuthenticatedCaller } from './sigv4/sigv4-authenticator.js';

export interface CallOrigin {
  readonly requestId: string;
  readonly operation: string;
  readonly sourceIp: string;
  readonly userAgent: string;
  readonly time: Date;
}

/** The call as the operation layer and the audit trail see it: who, from where, when, what. */
export function buildCallContext(origin: CallOrigin, authenticated: AuthenticatedCaller): CallContext {
  return {
    requestId: origin.requestId,
    eventId: randomUUID(),
    time: origin.time.toISOString(),
    caller: authenticated.caller,
    sourceIp: origin.sourceIp,
    userAgent: origin.userAgent,
    region: authenticated.region,
    operation: origin.operation,
    eventType: 'AwsApiCall',
  };
}

import { randomUUID } from 'node:crypto';
import type { CallContext } from '../domain/call-context.js';

/**
 * The call context of something KeyTrail does on its own behalf or at an operator's
 * command line (first-start set-up, identity administration, scheduled rotation and
 * deletion): there is no signed request, so the caller is the service itself.
 */
export function serviceCallContext(operation: string, region: string, now: Date, invokedBy = 'keytrail'): CallContext {
  return {
    requestId: randomUUID(),
    eventId: randomUUID(),
    time: now.toISOString(),
    caller: { type: 'AWSService', principalId: invokedBy, arn: `arn:aws:iam::aws:service/${invokedBy}`, accountId: 'aws', invokedBy },
    sourceIp: invokedBy,
    userAgent: invokedBy,
    region,
    operation,
    eventType: 'AwsServiceEvent',
  };
}

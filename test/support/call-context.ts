import type { CallContext, CallerIdentity } from '../../src/domain/call-context.js';

/** A call by an account's root user, for tests that need a CallContext but no particular caller. */
export function testCallContext(
  operation: string,
  options: { account?: string; region?: string; caller?: CallerIdentity; time?: string } = {},
): CallContext {
  const account = options.account ?? '111122223333';
  return {
    requestId: 'req-1',
    eventId: 'evt-1',
    time: options.time ?? '2026-03-03T14:00:00Z',
    caller: options.caller ?? { type: 'Root', principalId: account, arn: `arn:aws:iam::${account}:root`, accountId: account },
    sourceIp: '127.0.0.1',
    userAgent: 'test',
    region: options.region ?? 'eu-west-1',
    operation,
    eventType: 'AwsApiCall',
  };
}

import type { CallerIdentity } from '../../domain/call-context.js';
import type { CloudTrailUserIdentity } from './cloudtrail-record.js';

/** What AWS writes for its own actors in service events and their source address. */
export const AWS_INTERNAL = 'AWS Internal';

/**
 * The userIdentity element for a caller. Long-term access keys (IAM users, root) carry no
 * sessionContext; a role session names the role that issued it. The session's creation
 * time is not known to KeyTrail, so it is left out rather than invented.
 */
export function userIdentityOf(caller: CallerIdentity, eventType: 'AwsApiCall' | 'AwsServiceEvent'): CloudTrailUserIdentity {
  if (eventType === 'AwsServiceEvent') return { accountId: caller.accountId, invokedBy: AWS_INTERNAL };
  const keyId = caller.accessKeyId === undefined ? {} : { accessKeyId: caller.accessKeyId };
  switch (caller.type) {
    case 'IAMUser': {
      // Assigned in order rather than spread: the hot shape of an export stays a fast object.
      const identity: { -readonly [K in keyof CloudTrailUserIdentity]: CloudTrailUserIdentity[K] } = {
        type: 'IAMUser',
        principalId: caller.principalId,
        arn: caller.arn,
        accountId: caller.accountId,
      };
      if (caller.accessKeyId !== undefined) identity.accessKeyId = caller.accessKeyId;
      if (caller.userName !== undefined) identity.userName = caller.userName;
      return identity;
    }
    case 'AssumedRole':
      return { type: 'AssumedRole', principalId: caller.principalId, arn: caller.arn, accountId: caller.accountId, ...keyId, sessionContext: roleSession(caller) };
    case 'AWSService':
      return { type: 'AWSService', accountId: caller.accountId, invokedBy: caller.invokedBy ?? caller.principalId };
    case 'Root':
    case 'AWSAccount':
      return { type: caller.type, principalId: caller.principalId, arn: caller.arn, accountId: caller.accountId, ...keyId };
  }
}

/** arn:aws:sts::<account>:assumed-role/<role>/<session> was issued by arn:aws:iam::<account>:role/<role>. */
function roleSession(caller: CallerIdentity): CloudTrailUserIdentity['sessionContext'] {
  const match = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/(.+)\/[^/]+$/.exec(caller.arn);
  const roleName = match?.[3]?.split('/').pop();
  const attributes = { mfaAuthenticated: 'false' };
  if (match === null || roleName === undefined) return { attributes };
  return {
    sessionIssuer: {
      type: 'Role',
      principalId: caller.principalId.split(':')[0] ?? caller.principalId,
      arn: `arn:${match[1]}:iam::${match[2]}:role/${match[3]}`,
      accountId: match[2]!,
      userName: roleName,
    },
    attributes,
  };
}

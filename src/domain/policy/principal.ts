import type { CallerIdentity } from '../call-context.js';
import { accountOf, accountRootArn, classifyAwsPrincipal, roleArnOfSession } from './arn.js';
import type { PrincipalSet } from './policy-document.js';

/** Who is calling, as the evaluator needs to know it. */
export type PrincipalType = 'Root' | 'IAMUser' | 'AssumedRole' | 'AWSService';

export interface Principal {
  readonly type: PrincipalType;
  /**
   * Root: arn:aws:iam::<account>:root; IAMUser: the user ARN; AssumedRole: the session ARN
   * (arn:aws:sts::<account>:assumed-role/<role>/<session>); AWSService: the service principal.
   */
  readonly arn: string;
  readonly accountId: string;
  /** IAM users only: the friendly name that ${aws:username} reads. */
  readonly userName?: string;
  /** Unique id: AIDA... for users, AROA...:<session> for role sessions, the account id for root. */
  readonly principalId?: string;
  /** AssumedRole: the role's ARN, with its path; derived from the session ARN when absent. */
  readonly roleArn?: string;
  readonly sessionName?: string;
  /** AWSService: e.g. kms.amazonaws.com; defaults to `arn`. */
  readonly servicePrincipal?: string;
}

export function principalFromCaller(caller: CallerIdentity): Principal {
  switch (caller.type) {
    case 'Root':
    case 'AWSAccount':
      return { type: 'Root', arn: accountRootArn(caller.accountId), accountId: caller.accountId, principalId: caller.accountId };
    case 'IAMUser':
      return {
        type: 'IAMUser',
        arn: caller.arn,
        accountId: caller.accountId,
        principalId: caller.principalId,
        ...(caller.userName === undefined ? {} : { userName: caller.userName }),
      };
    case 'AssumedRole': {
      const session = /\/([^/]+)$/.exec(caller.arn)?.[1];
      const roleArn = roleArnOfSession(caller.arn);
      return {
        type: 'AssumedRole',
        arn: caller.arn,
        accountId: caller.accountId,
        principalId: caller.principalId,
        ...(roleArn === undefined ? {} : { roleArn }),
        ...(session === undefined ? {} : { sessionName: session }),
      };
    }
    case 'AWSService':
      return {
        type: 'AWSService',
        arn: caller.invokedBy ?? caller.arn,
        accountId: caller.accountId,
        servicePrincipal: caller.invokedBy ?? caller.arn,
      };
  }
}

export function roleArnOf(p: Principal): string | undefined {
  return p.type === 'AssumedRole' ? (p.roleArn ?? roleArnOfSession(p.arn)) : undefined;
}

export function servicePrincipalOf(p: Principal): string | undefined {
  return p.type === 'AWSService' ? (p.servicePrincipal ?? p.arn) : undefined;
}

/** The ARN that aws:PrincipalArn holds: for a role session, the role. */
export function principalArnKey(p: Principal): string {
  if (p.type === 'AssumedRole') return roleArnOf(p) ?? p.arn;
  if (p.type === 'Root') return accountRootArn(p.accountId);
  return p.arn;
}

/**
 * How a Principal element names the caller:
 * - direct: the caller itself (its ARN, its role, "*", or its account when the caller is root);
 * - account: the caller's account, which delegates to the caller's identity policies;
 * - none.
 */
export type PrincipalMatch = 'direct' | 'account' | 'none';

export function matchPrincipalSet(set: PrincipalSet, p: Principal): PrincipalMatch {
  if (set.anyone) return 'direct';
  const service = servicePrincipalOf(p);
  if (service !== undefined) return set.service.includes(service) ? 'direct' : 'none';
  const role = roleArnOf(p);
  let best: PrincipalMatch = 'none';
  for (const value of set.aws) {
    const named = classifyAwsPrincipal(value);
    if (named === undefined) continue;
    switch (named.type) {
      case 'anyone':
        return 'direct';
      case 'account':
        if (named.accountId === p.accountId) {
          if (p.type === 'Root') return 'direct';
          best = 'account';
        }
        break;
      case 'user':
      case 'assumedRole':
      case 'federatedUser':
        if (named.arn === p.arn) return 'direct';
        break;
      case 'role':
        if (role !== undefined && named.arn === role) return 'direct';
        break;
    }
  }
  return best;
}

/**
 * NotPrincipal exempts the caller only when every identity the request carries is listed:
 * the account, then the role, then the session or user. AWS may check any of them, so a
 * NotPrincipal naming only a user still applies to that user through its account.
 */
export function notPrincipalExempts(set: PrincipalSet, p: Principal): boolean {
  if (set.anyone) return true;
  const service = servicePrincipalOf(p);
  if (service !== undefined) return set.service.includes(service);
  const listedAccounts = new Set(set.aws.map(accountOf).filter((a): a is string => a !== undefined));
  const listed = new Set(set.aws);
  if (!listedAccounts.has(p.accountId)) return false;
  if (p.type === 'Root') return true;
  if (p.type === 'AssumedRole') {
    const role = roleArnOf(p);
    return role !== undefined && listed.has(role) && listed.has(p.arn);
  }
  return listed.has(p.arn);
}

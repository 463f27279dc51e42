import { accountRootArn, classifyAwsPrincipal } from '../../domain/policy/index.js';
import { isServicePrincipal } from '../../domain/policy/arn.js';

/**
 * Who an access answer is about: a principal (user, role, role session, an account's root
 * user), anyone ("*"), any principal of an account whose identity policies allow it, or a
 * service principal.
 */
export type Subject =
  | { readonly kind: 'principal'; readonly principalType: 'Root' | 'User' | 'Role' | 'AssumedRole'; readonly arn: string; readonly accountId: string }
  | { readonly kind: 'anyone' }
  | { readonly kind: 'accountPrincipals'; readonly accountId: string }
  | { readonly kind: 'service'; readonly service: string };

export function subjectId(s: Subject): string {
  switch (s.kind) {
    case 'principal':
      return s.arn;
    case 'anyone':
      return '*';
    case 'accountPrincipals':
      return `account:${s.accountId}`;
    case 'service':
      return s.service;
  }
}

export function describeSubject(s: Subject): string {
  switch (s.kind) {
    case 'principal':
      return s.principalType === 'Root' ? `the root user of account ${s.accountId}` : `${s.principalType === 'AssumedRole' ? 'role session' : s.principalType.toLowerCase()} ${s.arn}`;
    case 'anyone':
      return 'anyone ("*"; a principal of another account also needs its own identity policy to allow it)';
    case 'accountPrincipals':
      return `any principal of account ${s.accountId} whose identity policies allow it`;
    case 'service':
      return `service ${s.service}`;
  }
}

/**
 * The subjects a principal value names, as key policies and grants write them: an account
 * stands for its root user and for its principals through their identity policies.
 * Undefined for values KMS would not accept.
 */
export function subjectsNamed(value: string): Subject[] | undefined {
  if (isServicePrincipal(value)) return [{ kind: 'service', service: value }];
  const named = classifyAwsPrincipal(value);
  if (named === undefined) return undefined;
  switch (named.type) {
    case 'anyone':
      return [{ kind: 'anyone' }];
    case 'account':
      return [
        { kind: 'principal', principalType: 'Root', arn: accountRootArn(named.accountId), accountId: named.accountId },
        { kind: 'accountPrincipals', accountId: named.accountId },
      ];
    case 'user':
      return [{ kind: 'principal', principalType: 'User', arn: named.arn, accountId: named.accountId }];
    case 'role':
      return [{ kind: 'principal', principalType: 'Role', arn: named.arn, accountId: named.accountId }];
    case 'assumedRole':
      return [{ kind: 'principal', principalType: 'AssumedRole', arn: named.arn, accountId: named.accountId }];
    case 'federatedUser':
      return undefined;
  }
}

/** One principal given on a command line or in a query string: an ARN, an account id, or a service principal. */
export function parsePrincipal(text: string): Subject {
  const subjects = subjectsNamed(text.trim());
  const first = subjects?.[0];
  if (first === undefined || first.kind === 'anyone') throw new RangeError(`Not a principal: '${text}' (a user, role or role-session ARN, an account id or root ARN, or a service principal)`);
  return first;
}

/** ARN reading for policy principals and ARN condition operators. */

export const ACCOUNT_ID = /^\d{12}$/;

/** Splits on the first five colons, as IAM's ARN operators do; the last part may hold colons. */
export function splitArn(text: string): string[] | undefined {
  const parts: string[] = [];
  let rest = text;
  for (let i = 0; i < 5; i++) {
    const c = rest.indexOf(':');
    if (c < 0) return undefined;
    parts.push(rest.slice(0, c));
    rest = rest.slice(c + 1);
  }
  parts.push(rest);
  return parts;
}

export function accountRootArn(accountId: string, partition = 'aws'): string {
  return `arn:${partition}:iam::${accountId}:root`;
}

/** The account a 12-digit id or an account root ARN names; undefined for anything else. */
export function accountOf(value: string): string | undefined {
  if (ACCOUNT_ID.test(value)) return value;
  const m = /^arn:aws[a-z-]*:iam::(\d{12}):root$/.exec(value);
  return m?.[1];
}

/** The role a session ARN (arn:aws:sts::111122223333:assumed-role/Role/session) came from. */
export function roleArnOfSession(sessionArn: string): string | undefined {
  const m = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(sessionArn);
  if (m === null) return undefined;
  return `arn:${m[1] ?? 'aws'}:iam::${m[2] ?? ''}:role/${m[3] ?? ''}`;
}

/** What an "AWS" value in a Principal element names. */
export type AwsPrincipalName =
  | { readonly type: 'anyone' }
  | { readonly type: 'account'; readonly accountId: string }
  | { readonly type: 'user'; readonly accountId: string; readonly arn: string }
  | { readonly type: 'role'; readonly accountId: string; readonly arn: string }
  | { readonly type: 'assumedRole'; readonly accountId: string; readonly arn: string }
  | { readonly type: 'federatedUser'; readonly accountId: string; readonly arn: string };

const IAM_ENTITY = /^arn:aws[a-z-]*:iam::(\d{12}):(user|role)\/(?:[\x21-\x7e]+\/)?[\w+=,.@-]+$/;
const STS_ENTITY = /^arn:aws[a-z-]*:sts::(\d{12}):(assumed-role|federated-user)\/[\w+=,.@/-]+$/;

/**
 * Classifies one "AWS" principal value; undefined when KMS would call it an invalid
 * principal (wildcards other than a bare "*" are among those).
 */
export function classifyAwsPrincipal(value: string): AwsPrincipalName | undefined {
  if (value === '*') return { type: 'anyone' };
  const account = accountOf(value);
  if (account !== undefined) return { type: 'account', accountId: account };
  if (value.includes('*') || value.includes('?')) return undefined;
  const iam = IAM_ENTITY.exec(value);
  if (iam !== null) return { type: iam[2] === 'user' ? 'user' : 'role', accountId: iam[1] ?? '', arn: value };
  const sts = STS_ENTITY.exec(value);
  if (sts !== null) {
    if (sts[2] === 'assumed-role' && roleArnOfSession(value) === undefined) return undefined;
    return { type: sts[2] === 'assumed-role' ? 'assumedRole' : 'federatedUser', accountId: sts[1] ?? '', arn: value };
  }
  return undefined;
}

const SERVICE_PRINCIPAL = /^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com(\.cn)?$/;

export function isServicePrincipal(value: string): boolean {
  return SERVICE_PRINCIPAL.test(value);
}

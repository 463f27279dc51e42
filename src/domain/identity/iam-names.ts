import { kmsError } from '../errors.js';

/**
 * IAM's own input constraints (the IAM API model's patterns and lengths), checked before
 * any rule, with IAM's error type for them: ValidationError on the wire, which KeyTrail
 * carries as ValidationException.
 */
const ACCOUNT_ID = /^\d{12}$/;
const ENTITY_NAME = /^[\w+=,.@-]+$/;
const PATH = /^(\/|\/[\u0021-\u007e]+\/)$/;
const USER_PRINCIPAL_ID = /^AIDA[A-Z0-9]{17}$/;
const ROLE_PRINCIPAL_ID = /^AROA[A-Z0-9]{17}$/;
const ACCESS_KEY_ID = /^AKIA[A-Z0-9]{16}$/;

export type PrincipalType = 'User' | 'Role';

export function validateAccountId(accountId: string): void {
  if (!ACCOUNT_ID.test(accountId)) throw kmsError('ValidationException', `Account id '${accountId}' must be 12 digits`);
}

export function validateEntityName(member: string, value: string, maxLength: number): void {
  if (value.length < 1 || value.length > maxLength) {
    throw kmsError(
      'ValidationException',
      `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must have length between 1 and ${maxLength}`,
    );
  }
  if (!ENTITY_NAME.test(value)) {
    throw kmsError(
      'ValidationException',
      `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`,
    );
  }
}

export function validatePath(path: string): void {
  if (path.length > 512 || !PATH.test(path)) {
    throw kmsError(
      'ValidationException',
      `The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.`,
    );
  }
}

/** Unique ids are made by the application; the directory insists on their shape. */
export function validatePrincipalId(type: PrincipalType, principalId: string): void {
  const pattern = type === 'User' ? USER_PRINCIPAL_ID : ROLE_PRINCIPAL_ID;
  if (!pattern.test(principalId)) {
    throw kmsError('ValidationException', `'${principalId}' is not a valid unique id for a ${type.toLowerCase()} (${type === 'User' ? 'AIDA' : 'AROA'} and 17 characters)`);
  }
}

export function validateAccessKeyId(accessKeyId: string): void {
  if (!ACCESS_KEY_ID.test(accessKeyId)) {
    throw kmsError('ValidationException', `'${accessKeyId}' is not a valid access key id (AKIA and 16 characters)`);
  }
}

export function principalArn(accountId: string, type: PrincipalType, path: string, name: string): string {
  return `arn:aws:iam::${accountId}:${type === 'User' ? 'user' : 'role'}${path}${name}`;
}

export function rootArn(accountId: string): string {
  return `arn:aws:iam::${accountId}:root`;
}

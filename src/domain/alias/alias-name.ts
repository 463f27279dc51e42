import { kmsError } from '../errors.js';

export const ALIAS_PREFIX = 'alias/';
/** Reserved for AWS managed keys; a customer can never create or re-point one. */
export const RESERVED_ALIAS_PREFIX = 'alias/aws/';
export const MAX_ALIAS_NAME_LENGTH = 256;

const ALIAS_NAME_PATTERN = /^[a-zA-Z0-9:/_-]+$/;

/**
 * The checks CreateAlias and UpdateAlias apply to a name, with the error types KMS uses:
 * the API model's constraints (prefix, length, pattern) are ValidationExceptions; a colon
 * passes the model's pattern but is still refused; the `alias/aws/` namespace is refused
 * as NotAuthorizedException (what KMS answers, as moto and local-kms reproduce it).
 * Names are compared case-sensitively.
 */
export function validateAliasName(aliasName: string): void {
  requireAliasPrefix(aliasName);
  if (aliasName.length > MAX_ALIAS_NAME_LENGTH) {
    throw kmsError(
      'ValidationException',
      `1 validation error detected: Value '${aliasName}' at 'aliasName' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ALIAS_NAME_LENGTH}`,
    );
  }
  if (!ALIAS_NAME_PATTERN.test(aliasName)) {
    throw kmsError(
      'ValidationException',
      `1 validation error detected: Value '${aliasName}' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$`,
    );
  }
  if (aliasName.includes(':')) {
    throw kmsError('ValidationException', `${aliasName} contains invalid characters for an alias`);
  }
  if (aliasName.length === ALIAS_PREFIX.length) {
    throw kmsError('InvalidAliasNameException', `Alias name must not be empty after the prefix "alias/": ${aliasName}`);
  }
  if (aliasName.startsWith(RESERVED_ALIAS_PREFIX)) {
    throw kmsError('NotAuthorizedException', `Alias names that begin with ${RESERVED_ALIAS_PREFIX} are reserved for AWS managed keys: ${aliasName}`);
  }
}

/** DeleteAlias checks only this: any other malformed name simply names no alias. */
export function requireAliasPrefix(aliasName: string): void {
  if (!aliasName.startsWith(ALIAS_PREFIX)) {
    throw kmsError(
      'ValidationException',
      'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html',
    );
  }
}

export function aliasArn(region: string, accountId: string, aliasName: string): string {
  return `arn:aws:kms:${region}:${accountId}:${aliasName}`;
}

export function keyArn(region: string, accountId: string, keyId: string): string {
  return `arn:aws:kms:${region}:${accountId}:key/${keyId}`;
}

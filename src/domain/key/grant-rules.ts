import { KmsError } from '../errors.js';
import { GRANT_OPERATIONS, type Grant, type GrantConstraints, type GrantOperation } from './grant.js';
import type { CreateGrant, GrantLimits } from './key-commands.js';
import type { EncryptionContextMap, GrantConstraintsData } from './key-events.js';
import { isGrantId } from './key-identity.js';

/** Today's AWS quotas: 50,000 grants per key, 500 naming the same grantee principal. */
export const AWS_GRANT_LIMITS: GrantLimits = { grantsPerKey: 50_000, grantsPerGranteePerKey: 500 };
/** The quotas of the 2015 developer guide: 250 grants per key, 30 per grantee principal. */
export const AWS_2015_GRANT_LIMITS: GrantLimits = { grantsPerKey: 250, grantsPerGranteePerKey: 30 };

/** Operations a grant may allow on a symmetric encryption key (no signing, MAC or key agreement). */
export const SYMMETRIC_KEY_GRANT_OPERATIONS: readonly GrantOperation[] = [
  'Decrypt', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo',
  'CreateGrant', 'RetireGrant', 'DescribeKey', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext',
];

const PRINCIPAL_PATTERN = /^[\w+=,.@:/-]{1,256}$/;
const GRANT_NAME_PATTERN = /^[a-zA-Z0-9:/_-]{1,256}$/;

function invalid(message: string): KmsError {
  return new KmsError('ValidationException', message);
}

/** The grant id of a RetireGrant / RevokeGrant request, as AWS checks it. */
export function assertGrantIdFormat(grantId: string): void {
  if (!isGrantId(grantId)) throw new KmsError('InvalidGrantIdException', `Invalid grant id '${grantId}'`);
}

/** A CreateGrant request, checked and normalised: operations deduplicated, empty constraint maps dropped. */
export interface GrantRequest {
  readonly name: string | null;
  readonly granteePrincipal: string;
  readonly retiringPrincipal: string | null;
  readonly operations: GrantOperation[];
  readonly constraints: GrantConstraintsData | null;
}

export function validateGrantRequest(command: CreateGrant): GrantRequest {
  if (!isGrantId(command.grantId)) throw invalid(`A grant id is 64 hexadecimal characters: '${command.grantId}'`);
  assertPrincipal('GranteePrincipal', command.granteePrincipal);
  if (command.retiringPrincipal !== undefined) assertPrincipal('RetiringPrincipal', command.retiringPrincipal);
  if (command.name !== undefined && !GRANT_NAME_PATTERN.test(command.name)) {
    throw invalid(`Grant name must match ${GRANT_NAME_PATTERN.source}: '${command.name}'`);
  }
  return {
    name: command.name ?? null,
    granteePrincipal: command.granteePrincipal,
    retiringPrincipal: command.retiringPrincipal ?? null,
    operations: validateOperations(command.operations),
    constraints: normaliseConstraints(command.constraints),
  };
}

function assertPrincipal(field: string, principal: string): void {
  if (!PRINCIPAL_PATTERN.test(principal)) throw invalid(`${field} must match ${PRINCIPAL_PATTERN.source}: '${principal}'`);
}

function validateOperations(operations: readonly string[]): GrantOperation[] {
  if (operations.length === 0) throw invalid('A grant must allow at least one operation');
  const known = new Set<string>(GRANT_OPERATIONS);
  const allowed = new Set<string>(SYMMETRIC_KEY_GRANT_OPERATIONS);
  for (const operation of operations) {
    if (!known.has(operation)) {
      throw invalid(`'${operation}' is not a grant operation; valid values are ${GRANT_OPERATIONS.join(', ')}`);
    }
    if (!allowed.has(operation)) {
      throw invalid(`The grant operation ${operation} is not valid for a symmetric encryption KMS key`);
    }
  }
  return [...new Set(operations)] as GrantOperation[];
}

function normaliseConstraints(constraints: GrantConstraints | undefined): GrantConstraintsData | null {
  const equals = nonEmpty(constraints?.encryptionContextEquals);
  const subset = nonEmpty(constraints?.encryptionContextSubset);
  if (equals !== null && subset !== null) {
    throw invalid('A grant may have an EncryptionContextEquals or an EncryptionContextSubset constraint, not both');
  }
  if (equals === null && subset === null) return null;
  return { encryptionContextEquals: equals, encryptionContextSubset: subset };
}

function nonEmpty(map: Readonly<Record<string, string>> | undefined): EncryptionContextMap | null {
  return map !== undefined && Object.keys(map).length > 0 ? { ...map } : null;
}

/**
 * CreateGrant's idempotency: a grant with the same name and the same parameters is the
 * one a retried request made, so its id is returned and nothing new is recorded. The same
 * name with other parameters makes a new grant, as in AWS.
 */
export function findEquivalentNamedGrant(grants: ReadonlyMap<string, Grant>, request: GrantRequest): Grant | undefined {
  if (request.name === null) return undefined;
  for (const grant of grants.values()) {
    if (grant.name === request.name && sameParameters(grant, request)) return grant;
  }
  return undefined;
}

function sameParameters(grant: Grant, request: GrantRequest): boolean {
  return (
    grant.granteePrincipal === request.granteePrincipal &&
    (grant.retiringPrincipal ?? null) === request.retiringPrincipal &&
    sameSet(grant.operations, request.operations) &&
    sameMap(grant.constraints?.encryptionContextEquals, request.constraints?.encryptionContextEquals ?? undefined) &&
    sameMap(grant.constraints?.encryptionContextSubset, request.constraints?.encryptionContextSubset ?? undefined)
  );
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((x) => right.has(x));
}

function sameMap(a: Readonly<Record<string, string>> | undefined, b: Readonly<Record<string, string>> | undefined): boolean {
  const left = Object.entries(a ?? {});
  const right = b ?? {};
  return left.length === Object.keys(right).length && left.every(([k, v]) => right[k] === v);
}

/** LimitExceededException when one more grant would pass the per-key or per-grantee quota. */
export function assertGrantLimits(grants: ReadonlyMap<string, Grant>, granteePrincipal: string, limits: GrantLimits): void {
  if (grants.size >= limits.grantsPerKey) {
    throw new KmsError('LimitExceededException', `The key already has ${grants.size} grants, its quota of ${limits.grantsPerKey}`);
  }
  let forGrantee = 0;
  for (const grant of grants.values()) if (grant.granteePrincipal === granteePrincipal) forGrantee++;
  if (forGrantee >= limits.grantsPerGranteePerKey) {
    throw new KmsError(
      'LimitExceededException',
      `The key already has ${forGrantee} grants for grantee principal ${granteePrincipal}, its quota of ${limits.grantsPerGranteePerKey}`,
    );
  }
}

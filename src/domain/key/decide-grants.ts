import { KmsError } from '../errors.js';
import type { Grant } from './grant.js';
import { assertGrantIdFormat, assertGrantLimits, findEquivalentNamedGrant, validateGrantRequest } from './grant-rules.js';
import type { CreateGrant, GrantLimits, RetireGrant, RevokeGrant } from './key-commands.js';
import type { KeyEvent } from './key-events.js';
import type { KeyAggregateState, KmsKey } from './key-state.js';
import { assertKeyStateAllows, requireLiveKey } from './key-state-table.js';

export function decideCreateGrant(command: CreateGrant, state: KeyAggregateState, defaultLimits: GrantLimits): KeyEvent[] {
  const key = requireLiveKey(state, command.keyId);
  assertKeyStateAllows(key, 'CreateGrant');
  const request = validateGrantRequest(command);
  if (command.issuingPrincipal.length === 0 || command.issuingAccount.length === 0) {
    throw new KmsError('ValidationException', 'A grant needs the issuing principal and account');
  }
  if (findEquivalentNamedGrant(key.grants, request) !== undefined) return [];
  assertGrantLimits(key.grants, request.granteePrincipal, command.limits ?? defaultLimits);
  if (key.grants.has(command.grantId)) {
    throw new KmsError('AlreadyExistsException', `Grant ${command.grantId} already exists on ${key.arn}`);
  }
  return [
    {
      type: 'GrantCreated',
      data: {
        keyId: key.keyId,
        grantId: command.grantId,
        name: request.name,
        granteePrincipal: request.granteePrincipal,
        retiringPrincipal: request.retiringPrincipal,
        issuingPrincipal: command.issuingPrincipal,
        issuingAccount: command.issuingAccount,
        operations: request.operations,
        constraints: request.constraints,
        creationDate: command.now,
      },
    },
  ];
}

/**
 * The grant a CreateGrant command stands for once decided: the new one, or the existing
 * grant an idempotent retry (same name, same parameters) returned. Lets the application
 * answer with the right GrantId whether or not an event was appended.
 */
export function grantForCreateGrant(state: KeyAggregateState, command: CreateGrant): Grant | undefined {
  if (state.status !== 'Live') return undefined;
  const created = state.key.grants.get(command.grantId);
  if (created !== undefined) return created;
  return findEquivalentNamedGrant(state.key.grants, validateGrantRequest(command));
}

export function decideRetireGrant(command: RetireGrant, state: KeyAggregateState): KeyEvent[] {
  const key = requireLiveKey(state, command.keyId);
  assertKeyStateAllows(key, 'RetireGrant');
  requireGrant(key, command.grantId);
  return [{ type: 'GrantRetired', data: { keyId: key.keyId, grantId: command.grantId } }];
}

export function decideRevokeGrant(command: RevokeGrant, state: KeyAggregateState): KeyEvent[] {
  const key = requireLiveKey(state, command.keyId);
  assertKeyStateAllows(key, 'RevokeGrant');
  requireGrant(key, command.grantId);
  return [{ type: 'GrantRevoked', data: { keyId: key.keyId, grantId: command.grantId } }];
}

function requireGrant(key: KmsKey, grantId: string): Grant {
  assertGrantIdFormat(grantId);
  const grant = key.grants.get(grantId);
  if (grant === undefined) throw new KmsError('NotFoundException', `Grant ${grantId} does not exist on ${key.arn}`);
  return grant;
}

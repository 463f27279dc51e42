import type { Decider } from '../decider.js';
import { kmsError } from '../errors.js';
import type { AliasCommand, AliasTargetKey, CreateAlias, DeleteAlias, RemoveAliasesOfDeletedKey, UpdateAlias } from './alias-commands.js';
import { ALIAS_EVENT_SCHEMA_VERSIONS, type AliasDeleted, type AliasEvent } from './alias-events.js';
import { ALIAS_PREFIX, aliasArn, keyArn, requireAliasPrefix, validateAliasName } from './alias-name.js';

export interface AliasEntry {
  readonly aliasName: string;
  readonly targetKeyId: string;
  readonly targetKeyUsage: string;
  readonly targetKeySpec: string;
}

export interface AliasRegistryState {
  readonly aliases: ReadonlyMap<string, AliasEntry>;
}

export interface AliasLimits {
  /** AWS's adjustable quota "Aliases per KMS key" (50). */
  readonly aliasesPerKey: number;
  /** A cap on all aliases of one account and Region; AWS has none today, KeyTrail allows one. */
  readonly aliasesPerRegion: number;
}

export const DEFAULT_ALIAS_LIMITS: AliasLimits = { aliasesPerKey: 50, aliasesPerRegion: Number.POSITIVE_INFINITY };

/** Key states in which a key may be the target of CreateAlias/UpdateAlias (AWS's key state table). */
const ALIASABLE_KEY_STATES: ReadonlySet<string> = new Set(['Enabled', 'Disabled', 'PendingImport', 'Unavailable']);

export type AliasRegistry = Decider<AliasCommand, AliasEvent, AliasRegistryState>;

export function createAliasRegistry(limits: Partial<AliasLimits> = {}): AliasRegistry {
  const settings: AliasLimits = { ...DEFAULT_ALIAS_LIMITS, ...limits };
  return {
    schemaVersions: ALIAS_EVENT_SCHEMA_VERSIONS,
    initialState: () => ({ aliases: new Map() }),
    decide(command, state) {
      switch (command.type) {
        case 'CreateAlias':
          return createAlias(command, state, settings);
        case 'UpdateAlias':
          return updateAlias(command, state, settings);
        case 'DeleteAlias':
          return deleteAlias(command, state);
        case 'RemoveAliasesOfDeletedKey':
          return removeAliasesOfDeletedKey(command, state);
      }
    },
    evolve,
  };
}

/** The registry with AWS's default quotas. */
export const aliasRegistry: AliasRegistry = createAliasRegistry();

function createAlias(command: CreateAlias, state: AliasRegistryState, limits: AliasLimits): AliasEvent[] {
  validateAliasName(command.aliasName);
  const arn = aliasArn(command.region, command.accountId, command.aliasName);
  if (state.aliases.has(command.aliasName)) {
    throw kmsError('AlreadyExistsException', `An alias with the name ${arn} already exists`);
  }
  const target = requireAliasableTarget(command);
  if (state.aliases.size >= limits.aliasesPerRegion) {
    throw kmsError(
      'LimitExceededException',
      `Account ${command.accountId} has reached its limit of ${limits.aliasesPerRegion} aliases in ${command.region}`,
    );
  }
  requireRoomOnKey(state, target, limits);
  return [
    {
      type: 'AliasCreated',
      data: {
        accountId: command.accountId,
        region: command.region,
        aliasName: command.aliasName,
        aliasArn: arn,
        targetKeyId: target.keyId,
        targetKeyUsage: target.keyUsage,
        targetKeySpec: target.keySpec,
      },
    },
  ];
}

function updateAlias(command: UpdateAlias, state: AliasRegistryState, limits: AliasLimits): AliasEvent[] {
  validateAliasName(command.aliasName);
  const arn = aliasArn(command.region, command.accountId, command.aliasName);
  const current = state.aliases.get(command.aliasName);
  if (!current) throw kmsError('NotFoundException', `Alias ${arn} is not found.`);
  const target = requireAliasableTarget(command);
  if (target.keyId === current.targetKeyId) return [];
  // Code that names a key through an alias must keep working after the alias moves.
  if (keyTypeOf(current.targetKeySpec) !== keyTypeOf(target.keySpec) || current.targetKeyUsage !== target.keyUsage) {
    throw kmsError(
      'ValidationException',
      `Alias ${command.aliasName} refers to a ${keyTypeOf(current.targetKeySpec)} key with key usage ${current.targetKeyUsage}; ` +
        `it cannot be updated to a ${keyTypeOf(target.keySpec)} key with key usage ${target.keyUsage}`,
    );
  }
  requireRoomOnKey(state, target, limits);
  return [
    {
      type: 'AliasUpdated',
      data: {
        aliasName: command.aliasName,
        aliasArn: arn,
        previousTargetKeyId: current.targetKeyId,
        targetKeyId: target.keyId,
        targetKeyUsage: target.keyUsage,
        targetKeySpec: target.keySpec,
      },
    },
  ];
}

function deleteAlias(command: DeleteAlias, state: AliasRegistryState): AliasEvent[] {
  requireAliasPrefix(command.aliasName);
  const arn = aliasArn(command.region, command.accountId, command.aliasName);
  const current = state.aliases.get(command.aliasName);
  if (!current) throw kmsError('NotFoundException', `Alias ${arn} is not found.`);
  return [aliasDeleted(current, arn, 'DeleteAlias')];
}

function removeAliasesOfDeletedKey(command: RemoveAliasesOfDeletedKey, state: AliasRegistryState): AliasEvent[] {
  return [...state.aliases.values()]
    .filter((alias) => alias.targetKeyId === command.keyId)
    .sort((a, b) => (a.aliasName < b.aliasName ? -1 : a.aliasName > b.aliasName ? 1 : 0))
    .map((alias) => aliasDeleted(alias, aliasArn(command.region, command.accountId, alias.aliasName), 'KeyDeleted'));
}

function aliasDeleted(alias: AliasEntry, arn: string, reason: AliasDeleted['data']['reason']): AliasDeleted {
  return { type: 'AliasDeleted', data: { aliasName: alias.aliasName, aliasArn: arn, targetKeyId: alias.targetKeyId, reason } };
}

function requireAliasableTarget(command: CreateAlias | UpdateAlias): AliasTargetKey {
  if (command.targetKeyId.startsWith(ALIAS_PREFIX) || command.targetKeyId.includes(':alias/')) {
    throw kmsError('ValidationException', 'Aliases must refer to keys. Not aliases');
  }
  const target = command.targetKey;
  const shownArn = command.targetKeyId.startsWith('arn:')
    ? command.targetKeyId
    : keyArn(command.region, command.accountId, command.targetKeyId);
  // An alias and its key live in the same account and Region; a key elsewhere is, from
  // here, a key that does not exist.
  if (!target || target.accountId !== command.accountId || target.region !== command.region) {
    throw kmsError('NotFoundException', `Key '${shownArn}' does not exist`);
  }
  const arn = keyArn(target.region, target.accountId, target.keyId);
  if (target.keyManager !== 'CUSTOMER') {
    throw kmsError('NotAuthorizedException', `${arn} is an AWS managed key; only customer managed keys can have customer aliases`);
  }
  if (target.keyState === 'PendingDeletion') {
    throw kmsError('KMSInvalidStateException', `${arn} is pending deletion.`);
  }
  if (!ALIASABLE_KEY_STATES.has(target.keyState)) {
    throw kmsError('KMSInvalidStateException', `${arn} is in state ${target.keyState}, which does not allow aliases to be attached.`);
  }
  return target;
}

function requireRoomOnKey(state: AliasRegistryState, target: AliasTargetKey, limits: AliasLimits): void {
  let count = 0;
  for (const alias of state.aliases.values()) if (alias.targetKeyId === target.keyId) count++;
  if (count >= limits.aliasesPerKey) {
    throw kmsError(
      'LimitExceededException',
      `Key ${keyArn(target.region, target.accountId, target.keyId)} already has ${count} aliases, the limit per key`,
    );
  }
}

/** UpdateAlias keeps an alias within one of these families. */
function keyTypeOf(keySpec: string): 'symmetric' | 'HMAC' | 'asymmetric' {
  if (keySpec === 'SYMMETRIC_DEFAULT') return 'symmetric';
  if (keySpec.startsWith('HMAC_')) return 'HMAC';
  return 'asymmetric';
}

function evolve(state: AliasRegistryState, event: AliasEvent): AliasRegistryState {
  const aliases = new Map(state.aliases);
  switch (event.type) {
    case 'AliasCreated':
    case 'AliasUpdated': {
      const { aliasName, targetKeyId, targetKeyUsage, targetKeySpec } = event.data;
      aliases.set(aliasName, { aliasName, targetKeyId, targetKeyUsage, targetKeySpec });
      break;
    }
    case 'AliasDeleted':
      aliases.delete(event.data.aliasName);
      break;
  }
  return { aliases };
}

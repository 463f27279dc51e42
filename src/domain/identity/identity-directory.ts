import type { Decider } from '../decider.js';
import { kmsError } from '../errors.js';
import { parsePolicyDocument } from '../policy/parse.js';
import type {
  CreateAccessKey,
  CreateAccount,
  CreatePrincipal,
  DeleteAccessKey,
  DeleteIdentityPolicy,
  DeletePrincipal,
  IdentityCommand,
  PutIdentityPolicy,
  UpdateAccessKey,
} from './identity-commands.js';
import { IDENTITY_EVENT_SCHEMA_VERSIONS, type IdentityEvent } from './identity-events.js';
import {
  principalArn,
  rootArn,
  validateAccessKeyId,
  validateAccountId,
  validateEntityName,
  validatePath,
  validatePrincipalId,
  type PrincipalType,
} from './iam-names.js';

export interface PrincipalEntry {
  readonly principalType: PrincipalType;
  readonly name: string;
  readonly path: string;
  readonly arn: string;
  readonly principalId: string;
  /** Inline policies by name. */
  readonly policies: ReadonlyMap<string, string>;
}

export interface AccessKeyEntry {
  readonly accessKeyId: string;
  /** null for the root user's keys. */
  readonly userName: string | null;
  readonly status: 'Active' | 'Inactive';
}

export interface IdentityDirectoryState {
  readonly accountId: string | null;
  /** By principalKey(type, name): IAM names are unique regardless of case. */
  readonly principals: ReadonlyMap<string, PrincipalEntry>;
  readonly accessKeys: ReadonlyMap<string, AccessKeyEntry>;
  /** Every unique id and access key id ever issued here, deleted ones included: IAM never reuses them. */
  readonly issuedIds: ReadonlySet<string>;
}

export interface IdentityLimits {
  /** IAM's "Access keys per user" quota, which also holds for the root user. */
  readonly accessKeysPerUser: number;
  /** IAM's aggregate inline policy size, whitespace not counted. */
  readonly userInlinePolicyChars: number;
  readonly roleInlinePolicyChars: number;
}

export const DEFAULT_IDENTITY_LIMITS: IdentityLimits = {
  accessKeysPerUser: 2,
  userInlinePolicyChars: 2048,
  roleInlinePolicyChars: 10240,
};

/** Throws KmsError MalformedPolicyDocumentException for a document that is not a valid identity policy. */
export type PolicyDocumentValidator = (policyDocument: string) => void;

export interface IdentityDirectoryOptions {
  readonly limits?: Partial<IdentityLimits>;
  readonly validatePolicyDocument?: PolicyDocumentValidator;
}

export type IdentityDirectory = Decider<IdentityCommand, IdentityEvent, IdentityDirectoryState>;

export function createIdentityDirectory(options: IdentityDirectoryOptions = {}): IdentityDirectory {
  const limits: IdentityLimits = { ...DEFAULT_IDENTITY_LIMITS, ...options.limits };
  const validatePolicy = options.validatePolicyDocument ?? parseIdentityPolicy;
  return {
    schemaVersions: IDENTITY_EVENT_SCHEMA_VERSIONS,
    initialState: () => ({ accountId: null, principals: new Map(), accessKeys: new Map(), issuedIds: new Set() }),
    decide(command, state) {
      if (command.type === 'CreateAccount') return createAccount(command, state);
      requireAccount(command.accountId, state);
      switch (command.type) {
        case 'CreatePrincipal':
          return createPrincipal(command, state);
        case 'DeletePrincipal':
          return deletePrincipal(command, state);
        case 'CreateAccessKey':
          return createAccessKey(command, state, limits);
        case 'UpdateAccessKey':
          return updateAccessKey(command, state);
        case 'DeleteAccessKey':
          return deleteAccessKey(command, state);
        case 'PutIdentityPolicy':
          return putIdentityPolicy(command, state, limits, validatePolicy);
        case 'DeleteIdentityPolicy':
          return deleteIdentityPolicy(command, state);
      }
    },
    evolve,
  };
}

function createAccount(command: CreateAccount, state: IdentityDirectoryState): IdentityEvent[] {
  validateAccountId(command.accountId);
  if (state.accountId !== null) throw kmsError('EntityAlreadyExistsException', `Account ${command.accountId} already exists.`);
  return [{ type: 'AccountCreated', data: { accountId: command.accountId, rootArn: rootArn(command.accountId) } }];
}

function requireAccount(accountId: string, state: IdentityDirectoryState): void {
  if (state.accountId !== accountId) throw kmsError('NoSuchEntityException', `The account ${accountId} cannot be found.`);
}

function createPrincipal(command: CreatePrincipal, state: IdentityDirectoryState): IdentityEvent[] {
  const member = command.principalType === 'User' ? 'userName' : 'roleName';
  validateEntityName(member, command.name, 64);
  validatePath(command.path);
  validatePrincipalId(command.principalType, command.principalId);
  if (state.principals.has(principalKey(command.principalType, command.name))) {
    throw kmsError('EntityAlreadyExistsException', `${command.principalType} with name ${command.name} already exists.`);
  }
  if (state.issuedIds.has(command.principalId)) {
    throw kmsError('EntityAlreadyExistsException', `Unique id ${command.principalId} has already been issued.`);
  }
  return [
    {
      type: 'PrincipalCreated',
      data: {
        accountId: command.accountId,
        principalType: command.principalType,
        name: command.name,
        path: command.path,
        arn: principalArn(command.accountId, command.principalType, command.path, command.name),
        principalId: command.principalId,
      },
    },
  ];
}

function deletePrincipal(command: DeletePrincipal, state: IdentityDirectoryState): IdentityEvent[] {
  const principal = requirePrincipal(state, command.principalType, command.name);
  // IAM refuses rather than cascades, so nothing a principal holds disappears unrecorded.
  if (command.principalType === 'User' && accessKeysOf(state, principal.name).length > 0) {
    throw kmsError('DeleteConflictException', 'Cannot delete entity, must delete access keys first.');
  }
  if (principal.policies.size > 0) {
    throw kmsError('DeleteConflictException', 'Cannot delete entity, must delete policies first.');
  }
  const { principalType, name, arn, principalId } = principal;
  return [{ type: 'PrincipalDeleted', data: { principalType, name, arn, principalId } }];
}

function createAccessKey(command: CreateAccessKey, state: IdentityDirectoryState, limits: IdentityLimits): IdentityEvent[] {
  validateAccessKeyId(command.accessKeyId);
  if (command.wrappedSecret.length === 0) throw kmsError('ValidationException', 'An access key needs its wrapped secret');
  const owner = requireOwner(state, command.accountId, command.userName);
  if (accessKeysOf(state, command.userName).length >= limits.accessKeysPerUser) {
    throw kmsError('LimitExceededException', `Cannot exceed quota for AccessKeysPerUser: ${limits.accessKeysPerUser}`);
  }
  if (state.issuedIds.has(command.accessKeyId)) {
    throw kmsError('EntityAlreadyExistsException', `Access key ${command.accessKeyId} has already been issued.`);
  }
  return [
    {
      type: 'AccessKeyCreated',
      data: { ...owner, accessKeyId: command.accessKeyId, wrappedSecret: command.wrappedSecret },
    },
  ];
}

function updateAccessKey(command: UpdateAccessKey, state: IdentityDirectoryState): IdentityEvent[] {
  const owner = requireOwner(state, command.accountId, command.userName);
  const key = requireAccessKey(state, command.accessKeyId, command.userName);
  if (key.status === command.status) return [];
  const type = command.status === 'Active' ? 'AccessKeyActivated' : 'AccessKeyDeactivated';
  return [{ type, data: { ...owner, accessKeyId: key.accessKeyId } }];
}

function deleteAccessKey(command: DeleteAccessKey, state: IdentityDirectoryState): IdentityEvent[] {
  const owner = requireOwner(state, command.accountId, command.userName);
  const key = requireAccessKey(state, command.accessKeyId, command.userName);
  return [{ type: 'AccessKeyDeleted', data: { ...owner, accessKeyId: key.accessKeyId } }];
}

function putIdentityPolicy(
  command: PutIdentityPolicy,
  state: IdentityDirectoryState,
  limits: IdentityLimits,
  validatePolicy: PolicyDocumentValidator,
): IdentityEvent[] {
  validateEntityName('policyName', command.policyName, 128);
  const principal = requirePrincipal(state, command.principalType, command.principalName);
  validatePolicy(command.policyDocument);
  if (principal.policies.get(command.policyName) === command.policyDocument) return [];
  const others = [...principal.policies].filter(([name]) => name !== command.policyName).map(([, doc]) => doc);
  const size = [...others, command.policyDocument].reduce((sum, doc) => sum + doc.replace(/\s/g, '').length, 0);
  const limit = command.principalType === 'User' ? limits.userInlinePolicyChars : limits.roleInlinePolicyChars;
  if (size > limit) {
    throw kmsError(
      'LimitExceededException',
      `Maximum policy size of ${limit} bytes exceeded for ${command.principalType.toLowerCase()} ${principal.name}`,
    );
  }
  return [
    {
      type: 'IdentityPolicyPut',
      data: {
        principalType: principal.principalType,
        principalName: principal.name,
        principalArn: principal.arn,
        policyName: command.policyName,
        policyDocument: command.policyDocument,
      },
    },
  ];
}

function deleteIdentityPolicy(command: DeleteIdentityPolicy, state: IdentityDirectoryState): IdentityEvent[] {
  const principal = requirePrincipal(state, command.principalType, command.principalName);
  if (!principal.policies.has(command.policyName)) {
    throw kmsError(
      'NoSuchEntityException',
      `The ${command.principalType.toLowerCase()} policy with name ${command.policyName} cannot be found.`,
    );
  }
  return [
    {
      type: 'IdentityPolicyDeleted',
      data: {
        principalType: principal.principalType,
        principalName: principal.name,
        principalArn: principal.arn,
        policyName: command.policyName,
      },
    },
  ];
}

function requirePrincipal(state: IdentityDirectoryState, type: PrincipalType, name: string): PrincipalEntry {
  const principal = state.principals.get(principalKey(type, name));
  if (!principal) throw kmsError('NoSuchEntityException', `The ${type.toLowerCase()} with name ${name} cannot be found.`);
  return principal;
}

function requireOwner(state: IdentityDirectoryState, accountId: string, userName: string | null) {
  if (userName === null) return { userName: null, principalArn: rootArn(accountId), principalId: accountId };
  const user = requirePrincipal(state, 'User', userName);
  return { userName: user.name, principalArn: user.arn, principalId: user.principalId };
}

function requireAccessKey(state: IdentityDirectoryState, accessKeyId: string, userName: string | null): AccessKeyEntry {
  const key = state.accessKeys.get(accessKeyId);
  if (!key || !sameOwner(key.userName, userName)) {
    throw kmsError('NoSuchEntityException', `The Access Key with id ${accessKeyId} cannot be found.`);
  }
  return key;
}

function accessKeysOf(state: IdentityDirectoryState, userName: string | null): AccessKeyEntry[] {
  return [...state.accessKeys.values()].filter((key) => sameOwner(key.userName, userName));
}

function sameOwner(a: string | null, b: string | null): boolean {
  return a === null || b === null ? a === b : a.toLowerCase() === b.toLowerCase();
}

export function principalKey(type: PrincipalType, name: string): string {
  return `${type}:${name.toLowerCase()}`;
}

/** The policy language's own parser, in its identity-policy mode (no Principal element). */
function parseIdentityPolicy(policyDocument: string): void {
  parsePolicyDocument(policyDocument, { kind: 'identity' });
}

function evolve(state: IdentityDirectoryState, event: IdentityEvent): IdentityDirectoryState {
  switch (event.type) {
    case 'AccountCreated':
      return { ...state, accountId: event.data.accountId };
    case 'PrincipalCreated': {
      const { principalType, name, path, arn, principalId } = event.data;
      const principals = new Map(state.principals);
      principals.set(principalKey(principalType, name), { principalType, name, path, arn, principalId, policies: new Map() });
      return { ...state, principals, issuedIds: new Set(state.issuedIds).add(principalId) };
    }
    case 'PrincipalDeleted': {
      const principals = new Map(state.principals);
      principals.delete(principalKey(event.data.principalType, event.data.name));
      return { ...state, principals };
    }
    case 'AccessKeyCreated': {
      const { accessKeyId, userName } = event.data;
      const accessKeys = new Map(state.accessKeys).set(accessKeyId, { accessKeyId, userName, status: 'Active' });
      return { ...state, accessKeys, issuedIds: new Set(state.issuedIds).add(accessKeyId) };
    }
    case 'AccessKeyActivated':
    case 'AccessKeyDeactivated': {
      const key = state.accessKeys.get(event.data.accessKeyId);
      if (!key) return state;
      const status = event.type === 'AccessKeyActivated' ? 'Active' : 'Inactive';
      return { ...state, accessKeys: new Map(state.accessKeys).set(key.accessKeyId, { ...key, status }) };
    }
    case 'AccessKeyDeleted': {
      const accessKeys = new Map(state.accessKeys);
      accessKeys.delete(event.data.accessKeyId);
      return { ...state, accessKeys };
    }
    case 'IdentityPolicyPut':
    case 'IdentityPolicyDeleted': {
      const key = principalKey(event.data.principalType, event.data.principalName);
      const principal = state.principals.get(key);
      if (!principal) return state;
      const policies = new Map(principal.policies);
      if (event.type === 'IdentityPolicyPut') policies.set(event.data.policyName, event.data.policyDocument);
      else policies.delete(event.data.policyName);
      return { ...state, principals: new Map(state.principals).set(key, { ...principal, policies }) };
    }
  }
}

import type { PrincipalType } from './iam-names.js';

/** Every identity command names the account whose directory it changes. */
interface DirectoryCommand {
  readonly accountId: string;
}

export interface CreateAccount extends DirectoryCommand {
  readonly type: 'CreateAccount';
}

export interface CreatePrincipal extends DirectoryCommand {
  readonly type: 'CreatePrincipal';
  readonly principalType: PrincipalType;
  readonly name: string;
  /** "/" unless the caller gave one. */
  readonly path: string;
  /** Made by the application (AIDA... / AROA...); unique across the account. */
  readonly principalId: string;
}

export interface DeletePrincipal extends DirectoryCommand {
  readonly type: 'DeletePrincipal';
  readonly principalType: PrincipalType;
  readonly name: string;
}

export interface CreateAccessKey extends DirectoryCommand {
  readonly type: 'CreateAccessKey';
  /** null: an access key of the account's root user. */
  readonly userName: string | null;
  readonly accessKeyId: string;
  /** Already wrapped under the root key by the application; the domain never sees the secret. */
  readonly wrappedSecret: string;
}

export interface UpdateAccessKey extends DirectoryCommand {
  readonly type: 'UpdateAccessKey';
  readonly userName: string | null;
  readonly accessKeyId: string;
  readonly status: 'Active' | 'Inactive';
}

export interface DeleteAccessKey extends DirectoryCommand {
  readonly type: 'DeleteAccessKey';
  readonly userName: string | null;
  readonly accessKeyId: string;
}

export interface PutIdentityPolicy extends DirectoryCommand {
  readonly type: 'PutIdentityPolicy';
  readonly principalType: PrincipalType;
  readonly principalName: string;
  readonly policyName: string;
  readonly policyDocument: string;
}

export interface DeleteIdentityPolicy extends DirectoryCommand {
  readonly type: 'DeleteIdentityPolicy';
  readonly principalType: PrincipalType;
  readonly principalName: string;
  readonly policyName: string;
}

export type IdentityCommand =
  | CreateAccount
  | CreatePrincipal
  | DeletePrincipal
  | CreateAccessKey
  | UpdateAccessKey
  | DeleteAccessKey
  | PutIdentityPolicy
  | DeleteIdentityPolicy;

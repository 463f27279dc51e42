/**
 * What the application knows about a key when it asks the alias registry to point an
 * alias at it. The registry cannot read the key's stream (a decider sees one stream), so
 * the facts it rules on travel in the command.
 */
export interface AliasTargetKey {
  readonly keyId: string;
  readonly accountId: string;
  readonly region: string;
  /** Enabled, Disabled, PendingDeletion, PendingImport, ... as DescribeKey reports it. */
  readonly keyState: string;
  /** CUSTOMER or AWS. */
  readonly keyManager: string;
  /** ENCRYPT_DECRYPT, SIGN_VERIFY, GENERATE_VERIFY_MAC, KEY_AGREEMENT. */
  readonly keyUsage: string;
  /** SYMMETRIC_DEFAULT, RSA_2048, HMAC_256, ... */
  readonly keySpec: string;
}

interface RegistryCommand {
  readonly accountId: string;
  readonly region: string;
  readonly aliasName: string;
}

export interface CreateAlias extends RegistryCommand {
  readonly type: 'CreateAlias';
  /** The TargetKeyId as the caller wrote it (key id or key ARN), for error messages. */
  readonly targetKeyId: string;
  /** The key it resolves to, or null when no such key exists. */
  readonly targetKey: AliasTargetKey | null;
}

export interface UpdateAlias extends RegistryCommand {
  readonly type: 'UpdateAlias';
  readonly targetKeyId: string;
  readonly targetKey: AliasTargetKey | null;
}

export interface DeleteAlias extends RegistryCommand {
  readonly type: 'DeleteAlias';
}

/** Issued by KeyTrail itself when a key is deleted: its aliases go with it. */
export interface RemoveAliasesOfDeletedKey {
  readonly type: 'RemoveAliasesOfDeletedKey';
  readonly accountId: string;
  readonly region: string;
  readonly keyId: string;
}

export type AliasCommand = CreateAlias | UpdateAlias | DeleteAlias | RemoveAliasesOfDeletedKey;

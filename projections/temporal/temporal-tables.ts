import type { VersionTableSpec } from './version-table.js';

/**
 * The temporal read models: one version table per kind of thing. Shared by the projections
 * that write them and the queries that read them.
 */

/** Key state and metadata; one version per event of the key stream that changes them. */
export const KEY_VERSIONS: VersionTableSpec = {
  table: 'tt_keys',
  entity: ['key_id'],
  columns: [
    'account_id', 'region', 'arn', 'status', 'key_state', 'description', 'key_usage', 'key_spec', 'origin', 'creation_date',
    'deletion_date', 'pending_window_days', 'rotation_enabled', 'rotation_period_days', 'next_rotation_date', 'on_demand_rotations', 'tags',
    // The position of KeyCreated, kept by every version: ListKeys pages in creation order.
    'created_commit', 'created_prepare',
  ],
  lookups: [['account_id']],
  current: [{ path: ['account_id', 'region', 'created_commit', 'created_prepare'], where: "status = 'Live'" }],
};

/** The key policy ("default", the only one a KMS key has). */
export const KEY_POLICY_VERSIONS: VersionTableSpec = {
  table: 'tt_key_policies',
  entity: ['key_id'],
  columns: ['policy', 'default_policy'],
};

/**
 * Principals each key policy version names (values as written: an ARN, an account, "*", a
 * service), so "which keys could P use" finds the keys of other accounts that name P.
 */
export const POLICY_PRINCIPAL_VERSIONS: VersionTableSpec = {
  table: 'tt_policy_principals',
  entity: ['key_id', 'principal'],
  columns: [],
  lookups: [['principal']],
  changesQueried: false,
};

/**
 * Grants: opened by GrantCreated, closed by GrantRetired, GrantRevoked or KeyDeleted. A
 * grant has one version, so its from-position is its creation order (ListGrants pages by
 * it). The key's ARN, account and Region are copied in: ListRetirableGrants asks by Region and retiring principal, across accounts.
 */
export const GRANT_VERSIONS: VersionTableSpec = {
  table: 'tt_grants',
  entity: ['grant_id'],
  columns: [
    'key_id', 'key_arn', 'account_id', 'region', 'name', 'grantee_principal', 'retiring_principal', 'issuing_principal', 'issuing_account', 'operations',
    'constraints', 'creation_date',
  ],
  lookups: [['grantee_principal'], ['retiring_principal']],
  // By key from the start: KeyDeleted closes a key's grants.
  applyLookups: [['key_id']],
  current: [{ path: ['key_id', 'from_commit', 'from_prepare'] }, { path: ['region', 'retiring_principal', 'from_commit', 'from_prepare'] }],
};

/** Backing-key versions by id and number only: the wrapped material never leaves its stream. */
export const BACKING_KEY_VERSIONS: VersionTableSpec = {
  table: 'tt_backing_keys',
  entity: ['key_id', 'version'],
  // created_at: the key's creation date for version 1, the rotation date for later ones.
  columns: ['backing_key_id', 'rotation_type', 'created_at'],
  // Looked up by key only, which the entity index (key_id, version) already leads with.
  changesQueried: false,
};

/** Aliases: each re-pointing is a version; creation_date is that of the AliasCreated the alias lives since. */
export const ALIAS_VERSIONS: VersionTableSpec = {
  table: 'tt_aliases',
  entity: ['account_id', 'region', 'alias_name'],
  columns: ['alias_arn', 'target_key_id', 'creation_date'],
  lookups: [['target_key_id']],
  current: [{ path: ['account_id', 'region', 'alias_name'] }, { path: ['target_key_id', 'alias_name'] }],
};

/** Users, roles, and each account's root (from AccountCreated). */
export const PRINCIPAL_VERSIONS: VersionTableSpec = {
  table: 'tt_principals',
  entity: ['account_id', 'arn'],
  columns: ['principal_type', 'name', 'path', 'principal_id'],
  lookups: [['principal_id'], ['account_id']],
};

export const IDENTITY_POLICY_VERSIONS: VersionTableSpec = {
  table: 'tt_identity_policies',
  entity: ['account_id', 'principal_arn', 'policy_name'],
  columns: ['principal_type', 'principal_name', 'document'],
  lookups: [['account_id']],
};

/** Access keys by id, owner and status; never their secret, not even wrapped. */
export const ACCESS_KEY_VERSIONS: VersionTableSpec = {
  table: 'tt_access_keys',
  entity: ['access_key_id'],
  columns: ['account_id', 'user_name', 'principal_arn', 'status'],
  lookups: [['account_id'], ['principal_arn']],
};

export const KEY_TABLES = [KEY_VERSIONS, KEY_POLICY_VERSIONS, POLICY_PRINCIPAL_VERSIONS, GRANT_VERSIONS, BACKING_KEY_VERSIONS] as const;
export const IDENTITY_TABLES = [PRINCIPAL_VERSIONS, IDENTITY_POLICY_VERSIONS, ACCESS_KEY_VERSIONS] as const;

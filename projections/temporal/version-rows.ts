import type {
  AccessKeyVersion,
  AliasVersion,
  BackingKeyVersionEntry,
  Citation,
  GrantVersion,
  IdentityPolicyVersion,
  KeyPolicyVersion,
  KeyVersion,
  PrincipalVersion,
  UsageRecord,
  Validity,
} from '../../src/application/audit/temporal-read-models.js';
import type { Row } from './version-table.js';

/** Rows of the temporal tables as the port's plain data. */

const s = (row: Row, column: string): string => row[column] as string;
const sn = (row: Row, column: string): string | null => (row[column] ?? null) as string | null;
const n = (row: Row, column: string): number => Number(row[column]);
const nn = (row: Row, column: string): number | null => (row[column] === null || row[column] === undefined ? null : Number(row[column]));

function citation(row: Row, edge: 'from' | 'to'): Citation {
  return {
    stream: s(row, `${edge}_stream`),
    revision: n(row, `${edge}_revision`),
    time: s(row, `${edge}_time`),
    type: s(row, `${edge}_type`),
    position: `${row[`${edge}_commit`]}/${row[`${edge}_prepare`]}`,
  };
}

export function validityOf(row: Row): Validity {
  return { from: citation(row, 'from'), to: row['to_commit'] === null ? null : citation(row, 'to') };
}

export function keyVersion(row: Row): KeyVersion {
  return {
    keyId: s(row, 'key_id'),
    accountId: s(row, 'account_id'),
    region: s(row, 'region'),
    arn: s(row, 'arn'),
    status: s(row, 'status') as KeyVersion['status'],
    keyState: s(row, 'key_state') as KeyVersion['keyState'],
    description: s(row, 'description'),
    keyUsage: s(row, 'key_usage') as KeyVersion['keyUsage'],
    keySpec: s(row, 'key_spec') as KeyVersion['keySpec'],
    origin: s(row, 'origin') as KeyVersion['origin'],
    creationDate: s(row, 'creation_date'),
    deletionDate: sn(row, 'deletion_date'),
    pendingWindowInDays: nn(row, 'pending_window_days'),
    rotation: { enabled: row['rotation_enabled'] === 1, periodInDays: nn(row, 'rotation_period_days'), nextRotationDate: sn(row, 'next_rotation_date') },
    onDemandRotations: n(row, 'on_demand_rotations'),
    tags: JSON.parse(s(row, 'tags')) as [string, string][],
    validity: validityOf(row),
  };
}

export function keyPolicyVersion(row: Row): KeyPolicyVersion {
  return { keyId: s(row, 'key_id'), policy: s(row, 'policy'), defaultPolicy: row['default_policy'] === 1, validity: validityOf(row) };
}

export function grantVersion(row: Row): GrantVersion {
  const constraints = sn(row, 'constraints');
  return {
    grantId: s(row, 'grant_id'),
    keyId: s(row, 'key_id'),
    keyArn: s(row, 'key_arn'),
    name: sn(row, 'name'),
    granteePrincipal: s(row, 'grantee_principal'),
    retiringPrincipal: sn(row, 'retiring_principal'),
    issuingPrincipal: s(row, 'issuing_principal'),
    issuingAccount: s(row, 'issuing_account'),
    operations: JSON.parse(s(row, 'operations')) as GrantVersion['operations'],
    constraints: constraints === null ? null : (JSON.parse(constraints) as GrantVersion['constraints']),
    creationDate: s(row, 'creation_date'),
    validity: validityOf(row),
  };
}

export function backingKeyVersion(row: Row): BackingKeyVersionEntry {
  return { keyId: s(row, 'key_id'), version: n(row, 'version'), backingKeyId: s(row, 'backing_key_id'), rotationType: sn(row, 'rotation_type'), createdAt: s(row, 'created_at'), validity: validityOf(row) };
}

export function aliasVersion(row: Row): AliasVersion {
  return {
    accountId: s(row, 'account_id'),
    region: s(row, 'region'),
    aliasName: s(row, 'alias_name'),
    aliasArn: s(row, 'alias_arn'),
    targetKeyId: s(row, 'target_key_id'),
    creationDate: s(row, 'creation_date'),
    validity: validityOf(row),
  };
}

export function principalVersion(row: Row): PrincipalVersion {
  return {
    accountId: s(row, 'account_id'),
    arn: s(row, 'arn'),
    principalType: s(row, 'principal_type') as PrincipalVersion['principalType'],
    name: s(row, 'name'),
    path: s(row, 'path'),
    principalId: s(row, 'principal_id'),
    validity: validityOf(row),
  };
}

export function identityPolicyVersion(row: Row): IdentityPolicyVersion {
  return {
    accountId: s(row, 'account_id'),
    principalArn: s(row, 'principal_arn'),
    principalType: s(row, 'principal_type'),
    principalName: s(row, 'principal_name'),
    policyName: s(row, 'policy_name'),
    document: s(row, 'document'),
    validity: validityOf(row),
  };
}

export function accessKeyVersion(row: Row): AccessKeyVersion {
  return {
    accessKeyId: s(row, 'access_key_id'),
    accountId: s(row, 'account_id'),
    userName: sn(row, 'user_name'),
    principalArn: s(row, 'principal_arn'),
    status: s(row, 'status') as AccessKeyVersion['status'],
    validity: validityOf(row),
  };
}

export function usageRecord(row: Row): UsageRecord {
  const context = sn(row, 'encryption_context');
  return {
    keyId: s(row, 'key_id'),
    time: s(row, 'time'),
    operation: s(row, 'operation'),
    caller: {
      type: sn(row, 'caller_type'),
      arn: sn(row, 'caller_arn'),
      accountId: sn(row, 'caller_account'),
      principalId: sn(row, 'principal_id'),
      accessKeyId: sn(row, 'access_key_id'),
      userName: sn(row, 'user_name'),
      invokedBy: sn(row, 'invoked_by'),
    },
    sourceIp: sn(row, 'source_ip'),
    userAgent: sn(row, 'user_agent'),
    region: sn(row, 'region'),
    requestId: sn(row, 'request_id'),
    eventId: s(row, 'event_id'),
    encryptionContext: context === null ? null : (JSON.parse(context) as UsageRecord['encryptionContext']),
    result: sn(row, 'error_code') ?? 'Success',
    errorMessage: sn(row, 'error_message'),
    citation: { stream: s(row, 'stream'), revision: n(row, 'revision'), time: s(row, 'time'), type: s(row, 'event_type'), position: `${row['commit_pos']}/${row['prepare_pos']}` },
  };
}

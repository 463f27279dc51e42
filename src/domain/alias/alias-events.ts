import type { DomainEvent } from '../decider.js';

/**
 * Events of the alias registry, one stream per account and Region. Each carries the key
 * usage and spec of its target: they never change for a key, and UpdateAlias must compare
 * them without a second read that could race.
 */
export type AliasCreated = DomainEvent<
  'AliasCreated',
  {
    readonly accountId: string;
    readonly region: string;
    readonly aliasName: string;
    readonly aliasArn: string;
    readonly targetKeyId: string;
    readonly targetKeyUsage: string;
    readonly targetKeySpec: string;
  }
>;

export type AliasUpdated = DomainEvent<
  'AliasUpdated',
  {
    readonly aliasName: string;
    readonly aliasArn: string;
    readonly previousTargetKeyId: string;
    readonly targetKeyId: string;
    readonly targetKeyUsage: string;
    readonly targetKeySpec: string;
  }
>;

/** Why an alias went away: a DeleteAlias call, or the deletion of the key it named. */
export type AliasDeletionReason = 'DeleteAlias' | 'KeyDeleted';

export type AliasDeleted = DomainEvent<
  'AliasDeleted',
  {
    readonly aliasName: string;
    readonly aliasArn: string;
    readonly targetKeyId: string;
    readonly reason: AliasDeletionReason;
  }
>;

export type AliasEvent = AliasCreated | AliasUpdated | AliasDeleted;

export const ALIAS_EVENT_SCHEMA_VERSIONS = {
  AliasCreated: 1,
  AliasUpdated: 1,
  AliasDeleted: 1,
} as const satisfies Record<AliasEvent['type'], number>;

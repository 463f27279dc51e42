/**
 * One stream per account and Region: every alias name of that scope lives in it, so
 * uniqueness and the alias limits hold by optimistic concurrency on this one stream.
 * The category has no hyphen, so EventStoreDB's $by_category projection sees it whole.
 */
export const ALIAS_STREAM_CATEGORY = 'kmsalias';

export function aliasRegistryStream(accountId: string, region: string): string {
  return `${ALIAS_STREAM_CATEGORY}-${accountId}_${region}`;
}

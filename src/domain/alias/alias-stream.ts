/**
 * One stream per account and Region: every alias name of that scope lives in it, so
 * uniqueness and the alias limits hold by optimistic concurrency on this one stream.
 * The category has no hyphen, so EventStoreDB's $by_category projection sees it whole.
 */
export const ALIAS_STREAM_CATEGORY = 'kmsalias';

export function aliasRegistryStream(accountId: string, region: string): string {
  return `${ALIAS_STREAM_CATEGORY}-${accountId}_${region}`;
}

/** The account and Region of an alias registry stream: account ids have no underscore, so the first one splits. */
export function scopeOfAliasRegistryStream(stream: string): { accountId: string; region: string } {
  const id = stream.slice(ALIAS_STREAM_CATEGORY.length + 1);
  const split = id.indexOf('_');
  if (!stream.startsWith(`${ALIAS_STREAM_CATEGORY}-`) || split < 0) throw new Error(`'${stream}' is not an alias registry stream`);
  return { accountId: id.slice(0, split), region: id.slice(split + 1) };
}

/** Names and identifiers of a KMS key, shared by the write side and the read side. */

/** The key aggregate's stream: `kmskey` has no hyphen so EventStoreDB's `$by_category` works. */
export const KEY_STREAM_CATEGORY = 'kmskey';

export function keyStream(keyId: string): string {
  return `${KEY_STREAM_CATEGORY}-${keyId}`;
}

/** The key id carried by a `kmskey-<keyId>` stream name, or null for another stream. */
export function keyIdFromStream(stream: string): string | null {
  const prefix = `${KEY_STREAM_CATEGORY}-`;
  return stream.startsWith(prefix) ? stream.slice(prefix.length) : null;
}

export function keyArn(region: string, accountId: string, keyId: string): string {
  return `arn:aws:kms:${region}:${accountId}:key/${keyId}`;
}

const KEY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Customer managed key ids are lower-case UUIDs, as AWS issues them. */
export function isKeyId(value: string): boolean {
  return KEY_ID.test(value);
}

const GRANT_ID = /^[0-9a-f]{64}$/;

/** Grant ids are 64 lower-case hex characters (a SHA-256 sized value), as AWS issues them. */
export function isGrantId(value: string): boolean {
  return GRANT_ID.test(value);
}

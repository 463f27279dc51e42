import { KmsError } from '../errors.js';
import type { TagInput } from './key-commands.js';
import type { TagEntry } from './key-events.js';

export const MAX_TAGS_PER_KEY = 50;
export const MAX_TAG_KEY_LENGTH = 128;
export const MAX_TAG_VALUE_LENGTH = 256;

function tagError(message: string): KmsError {
  return new KmsError('TagException', message);
}

export function assertValidTagKey(tagKey: string): void {
  if (tagKey.length < 1 || tagKey.length > MAX_TAG_KEY_LENGTH) {
    throw tagError(`Tag key must be 1 to ${MAX_TAG_KEY_LENGTH} characters long: '${tagKey}'`);
  }
  // Reserved whatever its case: AWS keeps aws: tags for its own use.
  if (tagKey.toLowerCase().startsWith('aws:')) {
    throw tagError(`Tag keys beginning with 'aws:' are reserved: '${tagKey}'`);
  }
}

export function assertValidTag(tag: TagInput): void {
  assertValidTagKey(tag.tagKey);
  if (tag.tagValue.length > MAX_TAG_VALUE_LENGTH) {
    throw tagError(`Tag value for '${tag.tagKey}' must be at most ${MAX_TAG_VALUE_LENGTH} characters long`);
  }
}

/**
 * The tags a TagResource (or CreateKey) request actually changes: a new key, or an
 * existing key with a new value. A key given twice keeps its last value. Throws
 * TagException when a tag is invalid or the key would carry more than 50 tags.
 */
export function tagChanges(existing: ReadonlyMap<string, string>, requested: readonly TagInput[]): TagEntry[] {
  requested.forEach(assertValidTag);
  const wanted = new Map<string, string>();
  for (const { tagKey, tagValue } of requested) wanted.set(tagKey, tagValue);
  const changes: TagEntry[] = [];
  let count = existing.size;
  for (const [tagKey, tagValue] of wanted) {
    if (!existing.has(tagKey)) count++;
    if (existing.get(tagKey) !== tagValue) changes.push({ tagKey, tagValue });
  }
  if (count > MAX_TAGS_PER_KEY) {
    throw tagError(`A KMS key can have at most ${MAX_TAGS_PER_KEY} tags; this request would leave ${count}`);
  }
  return changes;
}

/** The requested tag keys that are present (removing an absent tag changes nothing). */
export function tagRemovals(existing: ReadonlyMap<string, string>, tagKeys: readonly string[]): string[] {
  tagKeys.forEach(assertValidTagKey);
  return [...new Set(tagKeys)].filter((tagKey) => existing.has(tagKey));
}

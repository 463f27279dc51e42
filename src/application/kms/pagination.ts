import { KmsError } from '../../domain/errors.js';
import type { Page, PageRequest } from './kms-read-side.js';

/**
 * Limit, Marker, NextMarker and Truncated as every KMS list operation has them. A marker
 * is opaque to callers; it names the list it belongs to, so a marker from one list (or
 * one made up) is refused with InvalidMarkerException instead of silently restarting.
 */
export const MAX_LIMIT = 1000;

export function invalidMarker(): KmsError {
  return new KmsError('InvalidMarkerException', 'The marker that specifies where pagination should next begin is not valid.');
}

export function pageRequest(list: string, limit: number | undefined, marker: string | undefined, defaultLimit: number): PageRequest {
  const size = limit ?? defaultLimit;
  if (!Number.isInteger(size) || size < 1 || size > MAX_LIMIT) {
    throw new KmsError('ValidationException', `1 validation error detected: Value '${size}' at 'limit' failed to satisfy constraint: Member must have value between 1 and ${MAX_LIMIT}`);
  }
  return { limit: size, after: marker === undefined ? null : decodeMarker(list, marker) };
}

export function encodeMarker(list: string, after: string): string {
  return Buffer.from(`${list}\n${after}`, 'utf8').toString('base64url');
}

export function decodeMarker(list: string, marker: string): string {
  const text = Buffer.from(marker, 'base64url').toString('utf8');
  if (Buffer.from(text, 'utf8').toString('base64url') !== marker) throw invalidMarker();
  const newline = text.indexOf('\n');
  if (newline < 0 || text.slice(0, newline) !== list) throw invalidMarker();
  return text.slice(newline + 1);
}

/** NextMarker and Truncated of a page; Truncated is always present, NextMarker only when true. */
export function pageOutput(list: string, page: Page<unknown>): { Truncated: boolean; NextMarker?: string } {
  return page.nextAfter === null ? { Truncated: false } : { Truncated: true, NextMarker: encodeMarker(list, page.nextAfter) };
}

/** Pages through a list the key aggregate holds in memory; the cursor is a position in it. */
export function pageOfArray<T>(items: readonly T[], request: PageRequest): Page<T> {
  let start = 0;
  if (request.after !== null) {
    if (!/^\d+$/.test(request.after)) throw invalidMarker();
    start = Number(request.after);
  }
  const end = start + request.limit;
  return { items: items.slice(start, end), nextAfter: end < items.length ? String(end) : null };
}

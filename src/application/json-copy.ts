import type { JsonObject, JsonValue } from './ports/event-store.js';

/**
 * What JSON.parse(JSON.stringify(value)) gives, without the round trip through text: it
 * runs for every event and call record written. Members that are undefined or functions
 * are left out (null in arrays), values with toJSON (Date) use it, non-finite numbers
 * become null.
 */
export function jsonCopy(value: unknown): JsonValue | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'object') return undefined;
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === 'function') return jsonCopy(withToJson.toJSON());
  if (Array.isArray(value)) return value.map((item) => jsonCopy(item) ?? null);
  const out: JsonObject = {};
  for (const key of Object.keys(value)) {
    const copied = jsonCopy((value as Record<string, unknown>)[key]);
    if (copied === undefined) continue;
    // A member named "__proto__" stays a member, as JSON.parse makes it.
    if (key === '__proto__') Object.defineProperty(out, key, { value: copied, enumerable: true, writable: true, configurable: true });
    else out[key] = copied;
  }
  return out;
}

/**
 * Turns an operation's output into AWS JSON 1.1: blobs (Uint8Array) as base64 strings,
 * timestamps (Date) as epoch seconds, undefined members left out. Done as a walk before
 * JSON.stringify because Buffer and Date define toJSON, which would run first.
 */
export function toWireValue(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWireValue);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    const source = value as Record<string, unknown>;
    for (const key of Object.keys(source)) {
      const member = source[key];
      if (member === undefined) continue;
      // A map key "__proto__" must stay an own member (plain assignment would set the prototype).
      if (key === '__proto__') Object.defineProperty(out, key, { value: toWireValue(member), enumerable: true, writable: true, configurable: true });
      else out[key] = toWireValue(member);
    }
    return out;
  }
  if (typeof value === 'bigint') return Number(value);
  return value;
}

export function encodeOutput(output: Record<string, unknown>): string {
  return JSON.stringify(toWireValue(output));
}

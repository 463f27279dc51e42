/**
 * Reading condition values of the non-string families. Each parser returns undefined for
 * text it cannot read: in a policy that is a grammar fault, in a request it is a value
 * that matches nothing.
 */

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export function parseNumber(text: string): number | undefined {
  return NUMBER.test(text.trim()) ? Number(text) : undefined;
}

// W3C profile of ISO 8601: YYYY, YYYY-MM, YYYY-MM-DD, then optionally Thh:mm[:ss[.s]] with a zone.
const W3C_DATE =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;
const EPOCH_SECONDS = /^\d+(\.\d+)?$/;

/** Milliseconds since the epoch, from a W3C ISO 8601 date or from epoch seconds. */
export function parseDate(text: string): number | undefined {
  const t = text.trim();
  // A bare 4-digit year reads as a date; any other run of digits is epoch seconds.
  if (EPOCH_SECONDS.test(t) && !/^\d{4}$/.test(t)) return Math.round(Number(t) * 1000);
  const m = W3C_DATE.exec(t);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const month = mo === undefined ? 0 : Number(mo) - 1;
  const day = d === undefined ? 1 : Number(d);
  if (month > 11 || day < 1 || day > 31) return undefined;
  const hours = h === undefined ? 0 : Number(h);
  const minutes = mi === undefined ? 0 : Number(mi);
  const seconds = s === undefined ? 0 : Number(s);
  if (hours > 24 || minutes > 59 || seconds > 60) return undefined;
  const millis = frac === undefined ? 0 : Math.round(Number(`0.${frac}`) * 1000);
  let utc = Date.UTC(Number(y), month, day, hours, minutes, seconds, millis);
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const [zh, zm] = zone.slice(1).split(':').map(Number);
    utc -= sign * ((zh ?? 0) * 60 + (zm ?? 0)) * 60_000;
  }
  return utc;
}

export function parseBool(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'true') return true;
  if (t === 'false') return false;
  return undefined;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Canonical base64 of the bytes, so two encodings of the same bytes compare equal. */
export function canonicalBase64(text: string): string | undefined {
  const t = text.trim();
  if (!BASE64.test(t)) return undefined;
  // Re-encoding the decoded bytes gives one spelling per byte string.
  return btoa(atob(t));
}

export interface IpRange {
  readonly version: 4 | 6;
  readonly network: bigint;
  readonly prefix: number;
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  let head = text;
  let tailV4: bigint | undefined;
  // An embedded IPv4 tail (::ffff:1.2.3.4) counts as two groups.
  const lastColon = head.lastIndexOf(':');
  if (head.includes('.') && lastColon >= 0) {
    tailV4 = parseIpv4(head.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    head = `${head.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const toGroups = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const left = toGroups(halves[0] ?? '');
  const right = halves.length === 2 ? toGroups(halves[1] ?? '') : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right];
  let value = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    value = (value << 16n) | BigInt(parseInt(g, 16));
  }
  if (tailV4 !== undefined) value = (value & ~0xffffffffn) | tailV4;
  return value;
}

/** An address or CIDR range; a bare address is a /32 (or /128) range, as IAM reads it. */
export function parseIpRange(text: string): IpRange | undefined {
  const t = text.trim();
  const slash = t.indexOf('/');
  const addr = slash >= 0 ? t.slice(0, slash) : t;
  const prefixText = slash >= 0 ? t.slice(slash + 1) : undefined;
  const version: 4 | 6 = addr.includes(':') ? 6 : 4;
  const value = version === 4 ? parseIpv4(addr) : parseIpv6(addr);
  if (value === undefined) return undefined;
  const width = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? width : Number(prefixText);
  if (prefix > width) return undefined;
  const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(width - prefix);
  return { version, network: value & mask, prefix };
}

export function ipInRange(address: string, range: IpRange): boolean {
  const a = parseIpRange(address);
  if (a === undefined || a.version !== range.version) return false;
  const width = range.version === 4 ? 32 : 128;
  const mask = range.prefix === 0 ? 0n : ((1n << BigInt(range.prefix)) - 1n) << BigInt(width - range.prefix);
  return (a.network & mask) === range.network;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/**
 * Where the named top-level members of a JSON object's text lie, found without building
 * anything. Made for text JSON.stringify wrote (no whitespace; strings escaped its way),
 * which is what an event store of JSON text holds: it follows strings and brackets to
 * find each value's end and rejects what breaks that shape, but does not check every
 * value inside. Members not named are stepped over; a repeated name keeps its last value,
 * as JSON.parse does. One instance is reused from text to text.
 */
export class JsonMembers {
  private text = '';
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  /** The names looked for, by length: a key is compared only with names as long as it. */
  private readonly byLength: Array<Array<{ name: string; slot: number }> | undefined> = [];

  constructor(names: readonly string[]) {
    this.starts = new Int32Array(names.length);
    this.ends = new Int32Array(names.length);
    names.forEach((name, slot) => (this.byLength[name.length] ??= []).push({ name, slot }));
  }

  /** Reads the object the text holds; false when it is not one object of that shape. */
  scan(text: string): boolean {
    this.text = text;
    this.starts.fill(-1);
    const end = text.length;
    if (text.charCodeAt(0) !== OPEN_OBJECT) return false;
    let i = 1;
    if (text.charCodeAt(i) === CLOSE_OBJECT) return i + 1 === end;
    for (;;) {
      if (text.charCodeAt(i) !== QUOTE) return false;
      const keyEnd = stringEnd(text, i, end);
      if (keyEnd < 0 || text.charCodeAt(keyEnd) !== COLON) return false;
      const slot = this.slotOf(text, i + 1, keyEnd - 1);
      const valueStart = keyEnd + 1;
      const valueEnd = valueEndAt(text, valueStart, end);
      if (valueEnd < 0) return false;
      if (slot >= 0) {
        this.starts[slot] = valueStart;
        this.ends[slot] = valueEnd;
      }
      const next = text.charCodeAt(valueEnd);
      if (next === CLOSE_OBJECT) return valueEnd + 1 === end;
      if (next !== COMMA) return false;
      i = valueEnd + 1;
    }
  }

  has(slot: number): boolean {
    return this.starts[slot]! >= 0;
  }

  /** A member value's JSON text. */
  value(slot: number): string {
    return this.text.slice(this.starts[slot]!, this.ends[slot]!);
  }

  /** Whether the member's value is exactly this JSON text. */
  is(slot: number, json: string): boolean {
    const start = this.starts[slot]!;
    return start >= 0 && this.ends[slot]! - start === json.length && this.text.startsWith(json, start);
  }

  isString(slot: number): boolean {
    return this.text.charCodeAt(this.starts[slot]!) === QUOTE;
  }

  /** The member's value when it is a string without escapes, else null. */
  plainString(slot: number): string | null {
    const start = this.starts[slot]!;
    if (start < 0 || this.text.charCodeAt(start) !== QUOTE) return null;
    const inner = this.text.slice(start + 1, this.ends[slot]! - 1);
    return inner.includes('\\') ? null : inner;
  }

  /** An escaped key is never a name looked for here, so the raw text is compared. */
  private slotOf(text: string, start: number, end: number): number {
    const same = this.byLength[end - start];
    if (same === undefined) return -1;
    for (const { name, slot } of same) if (text.startsWith(name, start)) return slot;
    return -1;
  }
}

/** The index just past the string that opens at `quote`, or -1. */
function stringEnd(text: string, quote: number, end: number): number {
  let i = quote + 1;
  for (;;) {
    const close = text.indexOf('"', i);
    if (close < 0 || close >= end) return -1;
    // The quote closes the string unless an odd number of backslashes escapes it.
    let slashes = 0;
    for (let j = close - 1; text.charCodeAt(j) === BACKSLASH; j--) slashes++;
    if (slashes % 2 === 0) return close + 1;
    i = close + 1;
  }
}

/** The index just past the value that starts at `i`, or -1. */
function valueEndAt(text: string, i: number, end: number): number {
  const c = text.charCodeAt(i);
  if (c === QUOTE) return stringEnd(text, i, end);
  if (c === OPEN_OBJECT || c === OPEN_ARRAY) return containerEnd(text, i, end);
  // A number, true, false or null: up to the next delimiter.
  let j = i;
  while (j < end) {
    const d = text.charCodeAt(j);
    if (d === COMMA || d === CLOSE_OBJECT || d === CLOSE_ARRAY) break;
    if (d === QUOTE || d === OPEN_OBJECT || d === OPEN_ARRAY || d === COLON) return -1;
    j++;
  }
  return j > i && j < end ? j : -1;
}

function containerEnd(text: string, open: number, end: number): number {
  let depth = 0;
  let i = open;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = stringEnd(text, i, end);
      if (i < 0) return -1;
      continue;
    }
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++;
    else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      if (--depth === 0) return i + 1;
    }
    i++;
  }
  return -1;
}

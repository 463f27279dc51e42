/**
 * Checks a decoded input against the constraints of the KMS model and reports every
 * violation in one ValidationException, worded the way AWS words it:
 * "1 validation error detected: Value null at 'keyId' failed to satisfy constraint:
 * Member must not be null".
 */
import { KmsError } from '../../domain/errors.js';
import { listItemSegments, pathOf, renderPath, type MemberPath, type PathStep } from './member-path.js';
import type { Shape } from './model/shape.js';

type Shapes = Readonly<Record<string, Shape>>;

interface Violation {
  readonly path: MemberPath;
  readonly value: string;
  readonly constraint: string;
}

/** Long values are echoed in part only: a 128 KiB policy does not belong in an error message. */
const MAX_ECHOED_CHARS = 256;
/** Past this many, violations are counted but not spelled out, so the message stays bounded. */
const MAX_REPORTED = 10;
const patternCache = new Map<string, RegExp>();

function wholeMatch(pattern: string): RegExp {
  let regex = patternCache.get(pattern);
  if (!regex) {
    // AWS matches the pattern against the whole value (a policy with one character out of range fails).
    regex = new RegExp(`^(?:${pattern})$`);
    patternCache.set(pattern, regex);
  }
  return regex;
}

/** Smithy counts string length in Unicode scalar values, not UTF-16 code units. */
function codePointLength(value: string): number {
  let length = 0;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    length++;
  }
  return length;
}

function truncate(text: string): string {
  return text.length > MAX_ECHOED_CHARS ? `${text.slice(0, MAX_ECHOED_CHARS)}...` : text;
}

/** AWS quotes every value it echoes, numbers and lists included: Value '0' at 'limit'. */
function render(value: unknown, shape: Shape, shapes: Shapes): string {
  if (value === undefined || value === null) return 'null';
  return `'${truncate(plain(value, shape, shapes))}'`;
}

const REDACTED = '*** Sensitive Data Redacted ***';

const isSensitive = (shape: Shape | undefined): boolean => shape !== undefined && 'sensitive' in shape && shape.sensitive === true;

function plain(value: unknown, shape: Shape, shapes: Shapes): string {
  if (isSensitive(shape)) return REDACTED;
  if (value instanceof Uint8Array) return `java.nio.HeapByteBuffer[pos=0 lim=${value.length} cap=${value.length}]`;
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && shape.type === 'list') {
    const member = shapes[shape.member];
    if (isSensitive(member)) return REDACTED;
    return `[${value.map((item) => (member ? plain(item, member, shapes) : String(item))).join(', ')}]`;
  }
  if (value instanceof Date) return String(value.getTime() / 1000);
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value).map(([k, v]) => `${k}=${typeof v === 'object' ? '...' : String(v)}`).join(', ')}}`;
  }
  return String(value);
}

function lengthOf(value: unknown): number | null {
  if (typeof value === 'string') return codePointLength(value);
  if (value instanceof Uint8Array) return value.length;
  if (Array.isArray(value)) return value.length;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length;
  return null;
}

function check(value: unknown, shape: Shape, shapes: Shapes, path: PathStep | null, out: Violation[]): void {
  const violation = (constraint: string): void => {
    out.push({ path: pathOf(path), value: render(value, shape, shapes), constraint });
  };
  if (shape.type === 'integer' || shape.type === 'long') {
    if (typeof value !== 'number') return;
    if (shape.min !== undefined && value < shape.min) violation(`Member must have value greater than or equal to ${shape.min}`);
    if (shape.max !== undefined && value > shape.max) violation(`Member must have value less than or equal to ${shape.max}`);
    return;
  }
  if ('min' in shape || 'max' in shape) {
    const length = lengthOf(value);
    if (length !== null) {
      if (shape.min !== undefined && length < shape.min) violation(`Member must have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && length > shape.max) violation(`Member must have length less than or equal to ${shape.max}`);
    }
  }
  switch (shape.type) {
    case 'string':
      if (typeof value !== 'string') return;
      if (shape.enum && !shape.enum.includes(value)) violation(`Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
      if (shape.pattern !== undefined && !wholeMatch(shape.pattern).test(value)) {
        violation(`Member must satisfy regular expression pattern: ${shape.pattern}`);
      }
      return;
    case 'structure': {
      if (typeof value !== 'object' || value === null) return;
      const members = value as Record<string, unknown>;
      for (const member of Object.keys(shape.members)) {
        const memberShape = shapes[shape.members[member]!];
        if (members[member] === undefined) {
          if (shape.required?.includes(member)) {
            out.push({ path: pathOf({ parent: path, member }), value: 'null', constraint: 'Member must not be null' });
          }
        } else if (memberShape) {
          check(members[member], memberShape, shapes, { parent: path, member }, out);
        }
      }
      return;
    }
    case 'list': {
      const member = shapes[shape.member];
      if (!Array.isArray(value) || !member) return;
      value.forEach((item, index) => check(item, member, shapes, { parent: path, segments: listItemSegments(index) }, out));
      return;
    }
    case 'map': {
      const keyShape = shapes[shape.key];
      const valueShape = shapes[shape.value];
      if (typeof value !== 'object' || value === null || !keyShape || !valueShape) return;
      for (const [key, entry] of Object.entries(value)) {
        const entryPath: PathStep = { parent: path, segments: [key] };
        check(key, keyShape, shapes, entryPath, out);
        check(entry, valueShape, shapes, entryPath, out);
      }
      return;
    }
    default:
      return;
  }
}

/**
 * Shapes whose values are never echoed though the KMS model does not mark them sensitive:
 * a grant token is a bearer credential, and an error message goes into the audit record.
 */
const SECRET_SHAPES: readonly string[] = ['GrantTokenType'];
const withSecrets = new WeakMap<Shapes, Shapes>();

function secretsMarked(shapes: Shapes): Shapes {
  let marked = withSecrets.get(shapes);
  if (marked === undefined) {
    const copy: Record<string, Shape> = { ...shapes };
    for (const name of SECRET_SHAPES) {
      const shape = shapes[name];
      if (shape !== undefined) copy[name] = { ...shape, sensitive: true } as Shape;
    }
    marked = copy;
    withSecrets.set(shapes, marked);
  }
  return marked;
}

/** Throws a ValidationException listing every violated constraint; returns when there is none. */
export function validateStructure(input: Record<string, unknown>, shapeName: string, table: Shapes): void {
  const shapes = secretsMarked(table);
  const shape = shapes[shapeName];
  if (!shape) throw new Error(`shape ${shapeName} is missing from the validation table`);
  const violations: Violation[] = [];
  check(input, shape, shapes, null, violations);
  if (violations.length === 0) return;
  const count = violations.length;
  const details = violations
    .slice(0, MAX_REPORTED)
    .map((v) => `Value ${v.value} at '${renderPath(v.path)}' failed to satisfy constraint: ${v.constraint}`)
    .join('; ');
  const more = count > MAX_REPORTED ? `; (${count - MAX_REPORTED} more not shown)` : '';
  throw new KmsError('ValidationException', `${count} validation error${count === 1 ? '' : 's'} detected: ${details}${more}`);
}

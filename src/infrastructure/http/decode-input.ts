/**
 * Reads a parsed JSON body as the input structure of an operation, following the shapes
 * of the KMS model. A value of the wrong JSON type is a SerializationException (as in
 * every AWS JSON protocol: the request could not be read at all); constraints are
 * checked afterwards, on the decoded value (validate-input.ts).
 *
 * Decoded form: members keep their wire names, null members are absent, unknown members
 * are dropped (AWS ignores them, for forward compatibility), blobs become Uint8Array,
 * timestamps Date.
 */
import { KmsError } from '../../domain/errors.js';
import { listItemSegments, pathOf, renderPath, type PathStep } from './member-path.js';
import type { Shape } from './model/shape.js';

type Shapes = Readonly<Record<string, Shape>>;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
/** Standard base64 with optional padding; whitespace and the URL-safe alphabet are refused. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

function serializationError(message: string, step: PathStep | null): KmsError {
  const path = pathOf(step);
  const where = path.length > 0 ? ` (at '${renderPath(path)}')` : '';
  return new KmsError('SerializationException', `${message}${where}`);
}

/** The JSON token AWS's deserializer would name for an unexpected value. */
function unexpected(value: unknown, expected: string, path: PathStep | null): KmsError {
  if (value === null) return serializationError(`null can not be converted to ${expected}`, path);
  if (Array.isArray(value)) return serializationError('Start of list found where not expected.', path);
  if (typeof value === 'object' && value !== null) {
    return serializationError('Start of structure or map found where not expected.', path);
  }
  const token = typeof value === 'string' ? 'STRING_VALUE' : typeof value === 'number' ? 'NUMBER_VALUE' : 'BOOLEAN_VALUE';
  return serializationError(`${token} can not be converted to ${expected}`, path);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function shapeNamed(shapes: Shapes, name: string): Shape {
  const shape = shapes[name];
  // The table is generated and closed over its references; a miss is a bug, not bad input.
  if (!shape) throw new Error(`shape ${name} is missing from the validation table`);
  return shape;
}

export function decodeStructure(value: unknown, shapeName: string, shapes: Shapes): Record<string, unknown> {
  return decodeValue(value, shapeNamed(shapes, shapeName), shapes, null) as Record<string, unknown>;
}

function decodeValue(value: unknown, shape: Shape, shapes: Shapes, path: PathStep | null): unknown {
  switch (shape.type) {
    case 'structure': {
      if (!isObject(value)) throw unexpected(value, 'a Structure', path);
      const decoded: Record<string, unknown> = {};
      for (const member of Object.keys(shape.members)) {
        if (!Object.hasOwn(value, member)) continue;
        const memberValue = value[member];
        if (memberValue === null || memberValue === undefined) continue;
        decoded[member] = decodeValue(memberValue, shapeNamed(shapes, shape.members[member]!), shapes, { parent: path, member });
      }
      return decoded;
    }
    case 'string':
      if (typeof value !== 'string') throw unexpected(value, 'a String', path);
      return value;
    case 'integer':
    case 'long': {
      const expected = shape.type === 'integer' ? 'an Integer' : 'a Long';
      if (typeof value !== 'number') throw unexpected(value, expected, path);
      const inRange =
        shape.type === 'integer' ? value >= INT32_MIN && value <= INT32_MAX : Number.isSafeInteger(value);
      if (!Number.isInteger(value) || !inRange) throw serializationError(`NUMBER_VALUE ${value} can not be converted to ${expected}`, path);
      return value;
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw unexpected(value, 'a Boolean', path);
      return value;
    case 'blob':
      if (typeof value !== 'string') throw unexpected(value, 'a Blob', path);
      if (value.length % 4 === 1 || !BASE64.test(value)) throw serializationError('Blob value is not valid base64', path);
      return new Uint8Array(Buffer.from(value, 'base64'));
    case 'timestamp':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw unexpected(value, 'a Timestamp (epoch seconds)', path);
      return new Date(value * 1000);
    case 'list': {
      if (!Array.isArray(value)) throw unexpected(value, 'a List', path);
      const member = shapeNamed(shapes, shape.member);
      return value.map((item, index) => {
        const itemPath: PathStep = { parent: path, segments: listItemSegments(index) };
        if (item === null) throw serializationError('null is not allowed as a list member', itemPath);
        return decodeValue(item, member, shapes, itemPath);
      });
    }
    case 'map': {
      if (!isObject(value)) throw unexpected(value, 'a Map', path);
      const keyShape = shapeNamed(shapes, shape.key);
      const valueShape = shapeNamed(shapes, shape.value);
      // fromEntries defines own properties, so a "__proto__" key stays an ordinary entry.
      return Object.fromEntries(
        Object.entries(value).map(([key, entry]) => {
          const entryPath: PathStep = { parent: path, segments: [key] };
          if (entry === null) throw serializationError('null is not allowed as a map value', entryPath);
          return [decodeValue(key, keyShape, shapes, entryPath), decodeValue(entry, valueShape, shapes, entryPath)];
        }),
      );
    }
  }
}

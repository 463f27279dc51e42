import { KmsError } from '../../domain/errors.js';

/**
 * Reading members of a decoded request. The wire layer has validated them against the
 * KMS model already; these checks keep the operations honest when called directly.
 */
type Input = Readonly<Record<string, unknown>>;

function invalid(member: string, expected: string): KmsError {
  return new KmsError('ValidationException', `1 validation error detected: Value at '${camel(member)}' failed to satisfy constraint: Member must be ${expected}`);
}

function camel(member: string): string {
  return member.charAt(0).toLowerCase() + member.slice(1);
}

export function requiredString(input: Input, member: string): string {
  const value = input[member];
  if (typeof value !== 'string' || value.length === 0) {
    if (value === undefined || value === null) {
      throw new KmsError('ValidationException', `1 validation error detected: Value null at '${camel(member)}' failed to satisfy constraint: Member must not be null`);
    }
    throw invalid(member, 'a non-empty string');
  }
  return value;
}

export function optionalString(input: Input, member: string): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(member, 'a string');
  return value;
}

export function optionalInteger(input: Input, member: string): number | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalid(member, 'an integer');
  return value;
}

export function optionalBoolean(input: Input, member: string): boolean | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalid(member, 'a boolean');
  return value;
}

export function requiredBlob(input: Input, member: string): Uint8Array {
  const value = input[member];
  if (!(value instanceof Uint8Array)) {
    if (value === undefined || value === null) {
      throw new KmsError('ValidationException', `1 validation error detected: Value null at '${camel(member)}' failed to satisfy constraint: Member must not be null`);
    }
    throw invalid(member, 'a blob');
  }
  return value;
}

export function optionalStringMap(input: Input, member: string): Readonly<Record<string, string>> | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value) || value instanceof Uint8Array) throw invalid(member, 'a map of strings');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw invalid(member, 'a map of strings');
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

export function optionalStringList(input: Input, member: string): readonly string[] | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw invalid(member, 'a list of strings');
  return value as string[];
}

export function requiredStringList(input: Input, member: string): readonly string[] {
  const value = optionalStringList(input, member);
  if (value === undefined) {
    throw new KmsError('ValidationException', `1 validation error detected: Value null at '${camel(member)}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}

export function optionalStructure(input: Input, member: string): Input | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value) || value instanceof Uint8Array) throw invalid(member, 'a structure');
  return value as Input;
}

export function structureList(input: Input, member: string): readonly Input[] | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'object' || v === null || Array.isArray(v))) throw invalid(member, 'a list of structures');
  return value as Input[];
}

/**
 * The compact form of the KMS API model that the wire layer validates requests against.
 * It is generated from AWS's own model (see generate-kms-shapes.ts), never written by hand.
 * For numbers, min/max are a value range; for strings, blobs, lists and maps a length
 * (characters, bytes, entries).
 */
export interface StructureShape {
  readonly type: 'structure';
  /** Member name (PascalCase, as on the wire) -> shape name. */
  readonly members: Readonly<Record<string, string>>;
  readonly required?: readonly string[];
}

export interface StringShape {
  readonly type: 'string';
  readonly min?: number;
  readonly max?: number;
  /** Matched against the whole value. */
  readonly pattern?: string;
  readonly enum?: readonly string[];
  readonly sensitive?: true;
}

export interface NumberShape {
  readonly type: 'integer' | 'long';
  readonly min?: number;
  readonly max?: number;
}

export interface BooleanShape {
  readonly type: 'boolean';
}

export interface BlobShape {
  readonly type: 'blob';
  readonly min?: number;
  readonly max?: number;
  readonly sensitive?: true;
}

export interface TimestampShape {
  readonly type: 'timestamp';
}

export interface ListShape {
  readonly type: 'list';
  readonly member: string;
  readonly min?: number;
  readonly max?: number;
}

export interface MapShape {
  readonly type: 'map';
  readonly key: string;
  readonly value: string;
  readonly min?: number;
  readonly max?: number;
}

export type Shape =
  | StructureShape
  | StringShape
  | NumberShape
  | BooleanShape
  | BlobShape
  | TimestampShape
  | ListShape
  | MapShape;

export interface ServiceShapes {
  /** Where the table came from (model format and version), for the record. */
  readonly source: string;
  /** Operation name -> name of its input structure. */
  readonly operations: Readonly<Record<string, string>>;
  readonly shapes: Readonly<Record<string, Shape>>;
}

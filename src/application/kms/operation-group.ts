import type { KmsCall } from './kms-call.js';

/** One KMS operation: reads `call.input`, returns the output members (PascalCase, blobs as Uint8Array, times as Date). */
export type OperationHandler = (call: KmsCall) => Promise<Record<string, unknown>>;

/** A file of related operations, by operation name. */
export interface OperationGroup {
  readonly handlers: Readonly<Record<string, OperationHandler>>;
}

import type { CallContext } from '../../domain/call-context.js';

/**
 * The seam between the KMS wire protocol and the operations behind it.
 *
 * `input` has already been decoded and validated against the KMS API model: members use
 * AWS's PascalCase names, blobs arrive as Uint8Array (base64 already decoded), timestamps
 * as Date, absent or null members are simply missing. The output uses the same
 * conventions: return Uint8Array for blobs and Date for timestamps, the wire layer
 * encodes them (base64, epoch seconds).
 *
 * Failures are thrown as KmsError; the wire layer maps each code to AWS's HTTP status.
 * Anything else thrown becomes a KMSInternalException (HTTP 500).
 */
export interface KmsOperations {
  invoke(operation: string, input: Record<string, unknown>, call: CallContext): Promise<Record<string, unknown>>;
  /**
   * An authenticated call to a known operation that the wire layer refused before
   * `invoke` (content type, JSON, types, the model's constraints) still leaves its one
   * audit record, as CloudTrail records a ValidationException. `input` is whatever could
   * be parsed (possibly `{}`); the record leaves secret members out by name.
   */
  recordRejected(operation: string, input: Record<string, unknown>, call: CallContext, error: unknown): Promise<void>;
}
export const KmsOperations = Symbol.for('keytrail.KmsOperations');

import type { CallerIdentity } from '../../domain/call-context.js';

/** What the directory knows about one access key: enough to verify a SigV4 signature. */
export interface AccessKeyRecord {
  /** Plain secret, needed to re-derive the signing key; it must never be logged or stored in events. */
  readonly secretAccessKey: string;
  /** An inactive key authenticates nothing (AWS answers UnrecognizedClientException). */
  readonly active: boolean;
  /** Who signs with this key. */
  readonly caller: CallerIdentity;
}

/**
 * Looks access keys up for request authentication. Implemented by the identity side
 * (IAM-shaped accounts, users and access keys).
 */
export interface AccessKeyDirectory {
  /** null when no such access key exists. */
  find(accessKeyId: string): Promise<AccessKeyRecord | null>;
}
export const AccessKeyDirectory = Symbol.for('keytrail.AccessKeyDirectory');

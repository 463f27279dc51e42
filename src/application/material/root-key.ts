/**
 * The root key: the one secret that lives outside the event store. Everything secret the
 * event store holds (backing-key material, secret access keys) is wrapped under it, and
 * the server's other secrets (the grant-token MAC key) are derived from it.
 */
export interface RootKey {
  /** A short fingerprint (hex) that tells root keys apart without revealing them. */
  readonly keyCheckValue: string;
  /**
   * AES-256-GCM under a key derived from the root key. `aad` names what is wrapped (e.g.
   * the backing key's id and version), so a wrapped value cannot be passed off as another.
   */
  wrap(plaintext: Uint8Array, aad: string): Buffer;
  /** Throws RootKeyMismatchError for data wrapped under another root key, UnwrapError for any other fault. */
  unwrap(wrapped: Uint8Array, aad: string): Buffer;
  /** A 256-bit secret for one purpose; different purposes yield unrelated secrets. */
  deriveSecret(purpose: string): Buffer;
}
export const RootKey = Symbol.for('keytrail.RootKey');

/** The data was wrapped under a different root key than the one KeyTrail was started with. */
export class RootKeyMismatchError extends Error {
  override readonly name = 'RootKeyMismatchError';
  constructor(
    readonly expectedKeyCheckValue: string,
    readonly actualKeyCheckValue: string,
    where: string,
  ) {
    super(
      `${where} was made with a different root key (key check value ${expectedKeyCheckValue}) than the one loaded ` +
        `(key check value ${actualKeyCheckValue}). Start KeyTrail with the root key this data was created with ` +
        `(KEYTRAIL_ROOT_KEY_FILE).`,
    );
  }
}

/** A wrapped value is truncated, of an unknown format, or was altered. */
export class UnwrapError extends Error {
  override readonly name = 'UnwrapError';
}

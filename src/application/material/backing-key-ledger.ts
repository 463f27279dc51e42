import type { Decider, DomainEvent } from '../../domain/decider.js';
import { kmsError } from '../../domain/errors.js';

/**
 * The material stream of one key, `kmsmaterial-<keyId>`: its backing-key versions, each
 * only ever wrapped under the root key. It is a stream of its own so that deleting a key
 * can hard-delete it (crypto-shredding) while the key's own stream, the audit trail,
 * stays whole.
 */
export const MATERIAL_STREAM_CATEGORY = 'kmsmaterial';

export function materialStream(keyId: string): string {
  return `${MATERIAL_STREAM_CATEGORY}-${keyId}`;
}

export type BackingKeyGenerated = DomainEvent<
  'BackingKeyGenerated',
  {
    readonly keyId: string;
    /** 1 for the material made with the key, then one more per rotation. */
    readonly version: number;
    /** 64 hex characters; the key aggregate names the version by it. */
    readonly backingKeyId: string;
    /** The 256-bit material wrapped under the root key (base64). */
    readonly wrappedMaterial: string;
  }
>;

export interface GenerateBackingKey {
  readonly type: 'GenerateBackingKey';
  readonly keyId: string;
  readonly version: number;
  readonly backingKeyId: string;
  readonly wrappedMaterial: string;
}

export interface StoredBackingKey {
  readonly backingKeyId: string;
  readonly wrappedMaterial: string;
}

export interface BackingKeyLedgerState {
  readonly versions: ReadonlyMap<number, StoredBackingKey>;
}

/**
 * Versions are made in order, one at a time. Asking again for a version that exists
 * changes nothing, so a CreateKey or rotation retried after a partial failure reuses the
 * material it made the first time instead of orphaning ciphertexts.
 */
export const backingKeyLedger: Decider<GenerateBackingKey, BackingKeyGenerated, BackingKeyLedgerState> = {
  schemaVersions: { BackingKeyGenerated: 1 },
  initialState: () => ({ versions: new Map() }),
  decide(command, state) {
    if (state.versions.has(command.version)) return [];
    const next = state.versions.size + 1;
    if (command.version !== next) {
      throw kmsError('KMSInternalException', `Backing key version ${command.version} of ${command.keyId} requested; the next version is ${next}`);
    }
    const { keyId, version, backingKeyId, wrappedMaterial } = command;
    return [{ type: 'BackingKeyGenerated', data: { keyId, version, backingKeyId, wrappedMaterial } }];
  },
  evolve(state, event) {
    const { version, backingKeyId, wrappedMaterial } = event.data;
    return { versions: new Map(state.versions).set(version, { backingKeyId, wrappedMaterial }) };
  },
};

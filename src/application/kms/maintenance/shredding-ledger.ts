import type { Decider, DomainEvent } from '../../../domain/decider.js';

/**
 * The record that a deleted key's material stream was hard-deleted. A tombstone leaves no
 * event behind, so without this the schedule could not tell a finished deletion from one
 * interrupted before the shredding; it is also the auditor's proof of when the material
 * went. One stream per key, `kmsshred-<keyId>`, beside the key stream that stays whole.
 */
export const SHRED_STREAM_CATEGORY = 'kmsshred';

export function shredStream(keyId: string): string {
  return `${SHRED_STREAM_CATEGORY}-${keyId}`;
}

export const KEY_MATERIAL_SHREDDED = 'KeyMaterialShredded';

export type KeyMaterialShredded = DomainEvent<'KeyMaterialShredded', { keyId: string; shreddedAt: string }>;

export interface RecordKeyMaterialShredded {
  readonly type: 'RecordKeyMaterialShredded';
  readonly keyId: string;
  readonly shreddedAt: string;
}

export interface ShreddingState {
  readonly shreddedAt: string | null;
}

/** Recording twice changes nothing: a resumed or concurrent deletion finishes once. */
export const shreddingLedger: Decider<RecordKeyMaterialShredded, KeyMaterialShredded, ShreddingState> = {
  schemaVersions: { KeyMaterialShredded: 1 },
  initialState: () => ({ shreddedAt: null }),
  decide(command, state) {
    if (state.shreddedAt !== null) return [];
    return [{ type: KEY_MATERIAL_SHREDDED, data: { keyId: command.keyId, shreddedAt: command.shreddedAt } }];
  },
  evolve(state, event) {
    return state.shreddedAt === null ? { shreddedAt: event.data.shreddedAt } : state;
  },
};

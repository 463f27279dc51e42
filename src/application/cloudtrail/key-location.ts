import { inject, injectable } from 'inversify';
import { keyStream } from '../../domain/key/index.js';
import { EventStore } from '../ports/event-store.js';

/** Where a key lives: what a record's resources and response elements name. */
export interface KeyLocation {
  readonly arn: string;
  readonly accountId: string;
}

const CACHED_KEYS = 10_000;

/**
 * Finds a key's ARN and account from its first event (KeyCreated carries both), so a
 * record of a later change names the key even when the export starts after the key was
 * made. Keys are few next to calls: a bounded cache keeps this off the hot path.
 */
@injectable()
export class KeyLocator {
  private readonly cache = new Map<string, KeyLocation | null>();

  constructor(@inject(EventStore) private readonly store: EventStore) {}

  async locate(keyId: string): Promise<KeyLocation | null> {
    const cached = this.cache.get(keyId);
    if (cached !== undefined) return cached;
    let found: KeyLocation | null = null;
    for await (const first of this.store.readStream(keyStream(keyId), { maxCount: 1 })) {
      const data = first.data as { arn?: unknown; accountId?: unknown };
      if (first.type === 'KeyCreated' && typeof data.arn === 'string' && typeof data.accountId === 'string') {
        found = { arn: data.arn, accountId: data.accountId };
      }
    }
    if (this.cache.size >= CACHED_KEYS) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(keyId, found);
    return found;
  }
}

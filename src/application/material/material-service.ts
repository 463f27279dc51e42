import { randomBytes } from 'node:crypto';
import { inject, injectable, optional } from 'inversify';
import type { CallContext } from '../../domain/call-context.js';
import { CommandHandler } from '../command-handler.js';
import { StreamDeletedError } from '../ports/event-store-errors.js';
import { EventStore } from '../ports/event-store.js';
import { backingKeyLedger, materialStream, type BackingKeyGenerated } from './backing-key-ledger.js';
import { RootKey } from './root-key.js';

export interface MaterialSettings {
  /** How many unwrapped backing keys stay in memory (least recently used go first). */
  readonly cacheEntries: number;
}
export const MaterialSettings = Symbol.for('keytrail.MaterialSettings');
export const DEFAULT_MATERIAL_SETTINGS: MaterialSettings = { cacheEntries: 1024 };

/** The version does not exist, or the key's material was shredded with the key. */
export class BackingKeyUnavailableError extends Error {
  override readonly name = 'BackingKeyUnavailableError';
  constructor(
    readonly keyId: string,
    readonly version: number,
    readonly reason: 'unknown-version' | 'shredded',
  ) {
    super(
      reason === 'shredded'
        ? `The key material of ${keyId} has been deleted`
        : `Key ${keyId} has no backing key version ${version}`,
    );
  }
}

const MATERIAL_BYTES = 32;

/**
 * Backing-key material: made with the CSPRNG, stored only wrapped under the root key in
 * the key's own material stream, unwrapped on demand into memory.
 *
 * Unwrapped material lives in one place, this cache; callers get a copy they may zero
 * when done. Evicted and shredded entries are overwritten with zeros before being let go,
 * so the material does not linger in the heap longer than the garbage collector makes it.
 */
@injectable()
export class MaterialService {
  private readonly cache = new Map<string, Buffer>();
  private readonly cacheEntries: number;

  constructor(
    @inject(CommandHandler) private readonly commands: CommandHandler,
    @inject(EventStore) private readonly store: EventStore,
    @inject(RootKey) private readonly rootKey: RootKey,
    @inject(MaterialSettings) @optional() settings?: MaterialSettings,
  ) {
    this.cacheEntries = (settings ?? DEFAULT_MATERIAL_SETTINGS).cacheEntries;
  }

  /**
   * Makes backing-key version `version` of the key (1 at CreateKey, then one per
   * rotation) and returns the id the key aggregate records for it. Asking for a version
   * that exists returns that version's id and makes nothing new.
   */
  async generate(keyId: string, version: number, context: CallContext): Promise<{ readonly backingKeyId: string }> {
    const material = randomBytes(MATERIAL_BYTES);
    const backingKeyId = randomBytes(32).toString('hex');
    const wrappedMaterial = this.rootKey.wrap(material, wrapLabel(keyId, version, backingKeyId)).toString('base64');
    const outcome = await this.commands.handle(
      backingKeyLedger,
      materialStream(keyId),
      { type: 'GenerateBackingKey', keyId, version, backingKeyId, wrappedMaterial },
      context,
    );
    const stored = outcome.state.versions.get(version);
    if (!stored) throw new BackingKeyUnavailableError(keyId, version, 'unknown-version');
    if (stored.backingKeyId !== backingKeyId || !this.remember(cacheKey(keyId, version), material)) material.fill(0);
    return { backingKeyId: stored.backingKeyId };
  }

  /** The material of one version, unwrapped, as a copy the caller owns. */
  async get(keyId: string, version: number): Promise<Buffer> {
    const key = cacheKey(keyId, version);
    const cached = this.cache.get(key);
    if (cached) {
      this.cache.delete(key);
      this.cache.set(key, cached);
      return Buffer.from(cached);
    }
    const event = await this.find(keyId, version);
    const material = this.rootKey.unwrap(
      Buffer.from(event.data.wrappedMaterial, 'base64'),
      wrapLabel(keyId, version, event.data.backingKeyId),
    );
    const copy = Buffer.from(material);
    if (!this.remember(key, material)) material.fill(0);
    return copy;
  }

  /**
   * Crypto-shredding: hard-deletes the key's material stream and forgets the material,
   * so nothing encrypted under the key can ever be decrypted again, while every event
   * about the key (its audit trail) stays. Shredding twice is harmless.
   */
  async shred(keyId: string): Promise<void> {
    const prefix = `${keyId}#`;
    for (const [key, material] of this.cache) {
      if (key.startsWith(prefix)) {
        material.fill(0);
        this.cache.delete(key);
      }
    }
    try {
      await this.store.deleteStream(materialStream(keyId), 'any');
    } catch (e) {
      if (!(e instanceof StreamDeletedError)) throw e;
    }
  }

  /** Zeroes everything cached; for shutdown. */
  forgetAll(): void {
    for (const material of this.cache.values()) material.fill(0);
    this.cache.clear();
  }

  private async find(keyId: string, version: number): Promise<BackingKeyGenerated> {
    try {
      for await (const recorded of this.store.readStream(materialStream(keyId))) {
        if (recorded.type === 'BackingKeyGenerated' && (recorded.data as BackingKeyGenerated['data']).version === version) {
          return { type: 'BackingKeyGenerated', data: recorded.data as BackingKeyGenerated['data'] };
        }
      }
    } catch (e) {
      if (e instanceof StreamDeletedError) throw new BackingKeyUnavailableError(keyId, version, 'shredded');
      throw e;
    }
    throw new BackingKeyUnavailableError(keyId, version, 'unknown-version');
  }

  /** False when the cache is off and the caller must zero the material itself. */
  private remember(key: string, material: Buffer): boolean {
    if (this.cacheEntries <= 0) return false;
    // Two concurrent misses unwrap the same version twice; the loser is zeroed.
    const previous = this.cache.get(key);
    if (previous && previous !== material) previous.fill(0);
    this.cache.delete(key);
    this.cache.set(key, material);
    while (this.cache.size > this.cacheEntries) {
      const [oldestKey, oldest] = this.cache.entries().next().value as [string, Buffer];
      oldest.fill(0);
      this.cache.delete(oldestKey);
    }
    return true;
  }
}

function cacheKey(keyId: string, version: number): string {
  return `${keyId}#${version}`;
}

/** Binds wrapped material to its key, version and id: it cannot be replayed as another's. */
function wrapLabel(keyId: string, version: number, backingKeyId: string): string {
  return `keytrail/backing-key/${keyId}/${version}/${backingKeyId}`;
}

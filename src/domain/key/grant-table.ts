import type { Grant } from './grant.js';

const BUCKETS = 256;
const EMPTY_BUCKET: ReadonlyMap<string, Grant> = new Map();

/** FNV-1a: spreads grant ids over the buckets whatever their shape. */
function bucketOf(grantId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < grantId.length; i++) {
    hash ^= grantId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % BUCKETS;
}

/**
 * The grants of one key as an immutable map. Adding or removing a grant copies one bucket
 * and the bucket index rather than every grant, so replaying a key with tens of thousands
 * of grants (the quota is 50,000) stays linear instead of quadratic, and every earlier
 * state stays intact for as-of-T readers. Iteration order is by bucket, not by creation.
 */
export class GrantTable implements ReadonlyMap<string, Grant> {
  private constructor(
    private readonly buckets: readonly ReadonlyMap<string, Grant>[],
    readonly size: number,
  ) {}

  static readonly EMPTY = new GrantTable(new Array<ReadonlyMap<string, Grant>>(BUCKETS).fill(EMPTY_BUCKET), 0);

  static of(grants: Iterable<Grant>): GrantTable {
    let table = GrantTable.EMPTY;
    for (const grant of grants) table = table.with(grant);
    return table;
  }

  get(grantId: string): Grant | undefined {
    return this.buckets[bucketOf(grantId)]?.get(grantId);
  }

  has(grantId: string): boolean {
    return this.get(grantId) !== undefined;
  }

  /** A table with this grant added (or replaced, for an id already present). */
  with(grant: Grant): GrantTable {
    const index = bucketOf(grant.grantId);
    const bucket = new Map(this.buckets[index]);
    const added = bucket.has(grant.grantId) ? 0 : 1;
    bucket.set(grant.grantId, grant);
    return this.replaceBucket(index, bucket, this.size + added);
  }

  /** A table without this grant; the same table when it is absent. */
  without(grantId: string): GrantTable {
    const index = bucketOf(grantId);
    if (!this.buckets[index]?.has(grantId)) return this;
    const bucket = new Map(this.buckets[index]);
    bucket.delete(grantId);
    return this.replaceBucket(index, bucket, this.size - 1);
  }

  private replaceBucket(index: number, bucket: ReadonlyMap<string, Grant>, size: number): GrantTable {
    const buckets = this.buckets.slice();
    buckets[index] = bucket;
    return new GrantTable(buckets, size);
  }

  *entries(): MapIterator<[string, Grant]> {
    if (this.size === 0) return;
    for (const bucket of this.buckets) yield* bucket.entries();
  }

  *keys(): MapIterator<string> {
    if (this.size === 0) return;
    for (const bucket of this.buckets) yield* bucket.keys();
  }

  *values(): MapIterator<Grant> {
    if (this.size === 0) return;
    for (const bucket of this.buckets) yield* bucket.values();
  }

  [Symbol.iterator](): MapIterator<[string, Grant]> {
    return this.entries();
  }

  forEach(callback: (value: Grant, key: string, map: ReadonlyMap<string, Grant>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }
}

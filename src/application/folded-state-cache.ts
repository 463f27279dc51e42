/**
 * Folded aggregate states by decider and stream, with the revision they were folded up to:
 * loading a stream then reads only the events after that revision instead of replaying
 * the whole stream on every call. Safe because recorded events never change and states
 * are immutable values (evolve returns a new state). Least recently used entries go first.
 */
export interface FoldedState<State> {
  readonly state: State;
  /** The revision of the last event folded into `state`. */
  readonly revision: bigint;
}

export const DEFAULT_CACHED_STREAMS = 4096;

export class FoldedStateCache {
  private readonly entries = new Map<string, FoldedState<unknown>>();
  private readonly deciderIds = new WeakMap<object, number>();
  private nextDeciderId = 0;

  constructor(private readonly capacity: number = DEFAULT_CACHED_STREAMS) {}

  get<State>(decider: object, stream: string): FoldedState<State> | undefined {
    const key = this.key(decider, stream);
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry as FoldedState<State>;
  }

  /** Keeps the furthest folded state: a slower concurrent load must not move an entry back. */
  put<State>(decider: object, stream: string, folded: FoldedState<State>): void {
    if (this.capacity <= 0) return;
    const key = this.key(decider, stream);
    const current = this.entries.get(key);
    if (current !== undefined && current.revision >= folded.revision) return;
    this.entries.delete(key);
    this.entries.set(key, folded);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  /** A stream that could not be read (deleted, say) is folded again from scratch next time. */
  forget(stream: string): void {
    const suffix = `|${stream}`;
    for (const key of this.entries.keys()) if (key.endsWith(suffix)) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private key(decider: object, stream: string): string {
    let id = this.deciderIds.get(decider);
    if (id === undefined) {
      id = this.nextDeciderId++;
      this.deciderIds.set(decider, id);
    }
    return `${id}|${stream}`;
  }
}

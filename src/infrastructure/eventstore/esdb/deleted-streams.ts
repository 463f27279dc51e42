/**
 * Which streams are tombstoned. EventStoreDB keeps a hard-deleted stream's events in $all
 * until a scavenge removes them; the port promises they are gone at once, so reads of $all
 * ask here before handing an event out. A tombstone is forever, so a "deleted" answer is
 * kept for the life of the store; a "live" answer only for one read or subscription.
 */
export class DeletedStreams {
  private readonly deleted = new Set<string>();

  constructor(private readonly probe: (stream: string) => Promise<boolean>) {}

  markDeleted(stream: string): void {
    this.deleted.add(stream);
  }

  /** A checker for one read or subscription: asks the server at most once per stream. */
  checker(): (stream: string) => Promise<boolean> {
    const live = new Set<string>();
    return async (stream) => {
      if (this.deleted.has(stream)) return true;
      if (live.has(stream)) return false;
      if (await this.probe(stream)) {
        this.deleted.add(stream);
        return true;
      }
      live.add(stream);
      return false;
    };
  }
}

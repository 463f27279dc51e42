import type { Citation } from '../audit/temporal-read-models.js';
import type { EventStore, JsonObject } from '../ports/event-store.js';

/** Who caused an event, from the call context in its metadata: the caller's ARN, or the service acting on its own. */
export function actorOf(metadata: JsonObject): string | null {
  const caller = metadata['caller'];
  if (caller === null || typeof caller !== 'object' || Array.isArray(caller)) return null;
  const invokedBy = caller['invokedBy'];
  if (caller['type'] === 'AWSService' && typeof invokedBy === 'string') return invokedBy;
  return typeof caller['arn'] === 'string' ? caller['arn'] : null;
}

/** "By whom" for cited events: each event read once from the log, by stream and revision. */
export class EventActors {
  private readonly known = new Map<string, Promise<string | null>>();

  constructor(private readonly store: EventStore) {}

  of(citation: Citation): Promise<string | null> {
    const id = `${citation.stream}@${citation.revision}`;
    let actor = this.known.get(id);
    if (actor === undefined) {
      actor = this.read(citation);
      this.known.set(id, actor);
    }
    return actor;
  }

  private async read(citation: Citation): Promise<string | null> {
    try {
      for await (const event of this.store.readStream(citation.stream, { fromRevision: BigInt(citation.revision), maxCount: 1 })) return actorOf(event.metadata);
    } catch {
      // A stream deleted since (crypto-shredded material) names nobody; the citation still stands.
    }
    return null;
  }
}

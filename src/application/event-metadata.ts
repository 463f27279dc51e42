import type { CallContext } from '../domain/call-context.js';
import { jsonCopy } from './json-copy.js';
import type { JsonObject } from './ports/event-store.js';

/**
 * The metadata every domain event carries: its schema version and the call that caused it.
 * A module of its own, free of the composition library, so a projection's writer thread
 * that names call records loads in milliseconds.
 */
export function eventMetadata(context: CallContext, schemaVersion: number): JsonObject {
  return { schemaVersion, ...(jsonCopy(context) as JsonObject) };
}

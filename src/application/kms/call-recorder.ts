import { inject, injectable } from 'inversify';
import { EventStore } from '../ports/event-store.js';
import { buildCallRecord, type CallOutcome } from './call-record.js';
import type { KmsCall } from './kms-call.js';

/**
 * Makes a call's audit record durable before the response leaves: when no domain event
 * carries the call, one call record is appended (the append resolves only once durable).
 */
@injectable()
export class CallRecorder {
  constructor(@inject(EventStore) private readonly store: EventStore) {}

  async record(call: KmsCall, outcome: CallOutcome): Promise<void> {
    if (call.isRecordedByEvent) return;
    const { stream, event } = buildCallRecord(call, outcome);
    await this.store.append(stream, [event], 'any');
  }
}

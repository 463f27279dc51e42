import { inject, injectable } from 'inversify';
import type { CallerIdentity } from '../../domain/call-context.js';
import type { IdentityEvent } from '../../domain/identity/identity-events.js';
import { IDENTITY_STREAM_CATEGORY } from '../../domain/identity/identity-stream.js';
import { AccessKeyDirectory, type AccessKeyRecord } from '../ports/access-key-directory.js';
import { EventStore, type GlobalPosition } from '../ports/event-store.js';
import { comparePositions } from '../ports/positions.js';
import { AccessKeySecrets } from './access-key-secrets.js';

interface IndexedAccessKey {
  readonly accountId: string;
  readonly userName: string | null;
  readonly principalArn: string;
  readonly principalId: string;
  readonly wrappedSecret: string;
  readonly active: boolean;
  /** What lookups return: one object per state of the key, so a verifier may cache by it. */
  readonly record: AccessKeyRecord;
}

/**
 * Access keys for request authentication, straight from the identity streams: an index
 * by access key id (which does not tell its account) that catches up with the log before
 * every lookup, so a key works, stops or goes the moment its event is written, on every
 * node. Secrets stay wrapped in the index and are unwrapped when a lookup's secret is
 * read, never cached.
 */
@injectable()
export class EventSourcedAccessKeyDirectory implements AccessKeyDirectory {
  private readonly keys = new Map<string, IndexedAccessKey>();
  private checkpoint: GlobalPosition | null = null;
  private running: Promise<void> = Promise.resolve();
  private queued: Promise<void> | null = null;

  constructor(
    @inject(EventStore) private readonly store: EventStore,
    @inject(AccessKeySecrets) private readonly secrets: AccessKeySecrets,
  ) {}

  async find(accessKeyId: string): Promise<AccessKeyRecord | null> {
    await this.catchUp();
    return this.keys.get(accessKeyId)?.record ?? null;
  }

  /**
   * One catch-up at a time. A lookup joins the catch-up that is queued but not started,
   * since that one will read everything written before the lookup arrived; otherwise it
   * queues one. A queued catch-up starts after the current turn of the event loop, so
   * the requests that arrived together share one read (as appends share one commit).
   */
  private catchUp(): Promise<void> {
    if (this.queued) return this.queued;
    // A failed read fails its own lookups only; the next lookup tries again from the checkpoint.
    const queued = this.running
      .catch(() => undefined)
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => {
        this.queued = null;
        return this.readNewEvents();
      });
    this.queued = queued;
    this.running = queued;
    return queued;
  }

  private async readNewEvents(): Promise<void> {
    // The head of the log before reading: every identity event up to it is visible by now, so
    // the next catch-up starts after it even when no identity event lies there. Without it,
    // each lookup would scan again every call record written since the last identity change.
    const head = await this.store.headPosition();
    const from = this.checkpoint ?? 'start';
    for await (const recorded of this.store.readAll({ fromPosition: from, filter: { streamNamePrefixes: [`${IDENTITY_STREAM_CATEGORY}-`] } })) {
      if (this.checkpoint && comparePositions(recorded.position, this.checkpoint) <= 0) continue;
      this.apply(recorded.stream.slice(IDENTITY_STREAM_CATEGORY.length + 1), { type: recorded.type, data: recorded.data } as IdentityEvent);
      this.checkpoint = recorded.position;
    }
    if (head && (!this.checkpoint || comparePositions(head, this.checkpoint) > 0)) this.checkpoint = head;
  }

  private indexed(accessKeyId: string, key: Omit<IndexedAccessKey, 'record'>): IndexedAccessKey {
    const secrets = this.secrets;
    const record: AccessKeyRecord = {
      // Unwrapped when read, anew each time: never held in the clear.
      get secretAccessKey(): string {
        return secrets.reveal(accessKeyId, key.wrappedSecret);
      },
      active: key.active,
      caller: callerOf(accessKeyId, key),
    };
    return { ...key, record };
  }

  private apply(accountId: string, event: IdentityEvent): void {
    switch (event.type) {
      case 'AccessKeyCreated': {
        const { accessKeyId, userName, principalArn, principalId, wrappedSecret } = event.data;
        this.keys.set(accessKeyId, this.indexed(accessKeyId, { accountId, userName, principalArn, principalId, wrappedSecret, active: true }));
        break;
      }
      case 'AccessKeyActivated':
      case 'AccessKeyDeactivated': {
        const key = this.keys.get(event.data.accessKeyId);
        if (key) this.keys.set(event.data.accessKeyId, this.indexed(event.data.accessKeyId, { ...key, active: event.type === 'AccessKeyActivated' }));
        break;
      }
      case 'AccessKeyDeleted':
        this.keys.delete(event.data.accessKeyId);
        break;
      default:
        break;
    }
  }
}

function callerOf(accessKeyId: string, key: Omit<IndexedAccessKey, 'record'>): CallerIdentity {
  if (key.userName === null) {
    return { type: 'Root', principalId: key.accountId, arn: key.principalArn, accountId: key.accountId, accessKeyId };
  }
  return {
    type: 'IAMUser',
    principalId: key.principalId,
    arn: key.principalArn,
    accountId: key.accountId,
    accessKeyId,
    userName: key.userName,
  };
}

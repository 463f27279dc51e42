import { Container } from 'inversify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AliasLimits, AliasRegistryService } from '../../../src/application/alias/alias-registry-service.js';
import { CommandHandler, CommandHandlerSettings } from '../../../src/application/command-handler.js';
import { EventStore } from '../../../src/application/ports/event-store.js';
import type { CallContext } from '../../../src/domain/call-context.js';
import type { CreateAlias } from '../../../src/domain/alias/alias-commands.js';
import { aliasRegistry, createAliasRegistry } from '../../../src/domain/alias/alias-registry.js';
import { aliasRegistryStream } from '../../../src/domain/alias/alias-stream.js';
import { isKmsError } from '../../../src/domain/errors.js';
import { SqliteEventStore } from '../../../src/infrastructure/eventstore/sqlite/sqlite-event-store.js';
import { testCallContext } from '../../support/call-context.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const STREAM = aliasRegistryStream(ACCOUNT, REGION);

const context: CallContext = testCallContext('CreateAlias', { account: ACCOUNT, region: REGION });

function createAlias(aliasName: string, keyNumber: number): CreateAlias {
  const keyId = `00000000-0000-0000-0000-${String(keyNumber).padStart(12, '0')}`;
  return {
    type: 'CreateAlias',
    accountId: ACCOUNT,
    region: REGION,
    aliasName,
    targetKeyId: keyId,
    targetKey: { keyId, accountId: ACCOUNT, region: REGION, keyState: 'Enabled', keyManager: 'CUSTOMER', keyUsage: 'ENCRYPT_DECRYPT', keySpec: 'SYMMETRIC_DEFAULT' },
  };
}

let store: SqliteEventStore;
beforeEach(() => {
  store = SqliteEventStore.open(':memory:');
});
afterEach(async () => {
  await store.close();
});

async function settle<T>(calls: Promise<T>[]) {
  const results = await Promise.allSettled(calls);
  return {
    fulfilled: results.filter((r) => r.status === 'fulfilled').length,
    reasons: results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : [])),
  };
}

describe('alias registry under concurrency (SQLite, optimistic concurrency)', () => {
  it('lets exactly one of 50 concurrent CreateAlias calls for one name win', async () => {
    const handler = new CommandHandler(store, { maxAttempts: 60 });
    const { fulfilled, reasons } = await settle(
      Array.from({ length: 50 }, (_, i) => handler.handle(aliasRegistry, STREAM, createAlias('alias/contested', i), context)),
    );
    expect(fulfilled).toBe(1);
    expect(reasons).toHaveLength(49);
    expect(reasons.every((e) => isKmsError(e, 'AlreadyExistsException'))).toBe(true);
    const events = [];
    for await (const e of store.readStream(STREAM)) events.push(e);
    expect(events.map((e) => e.type)).toEqual(['AliasCreated']);
    expect(events[0]?.metadata).toMatchObject({ schemaVersion: 1, requestId: 'req-1', operation: 'CreateAlias' });
    const { state } = await handler.load(aliasRegistry, STREAM);
    expect([...state.aliases.keys()]).toEqual(['alias/contested']);
  });

  it('holds a regional alias limit across concurrent calls for different names', async () => {
    const limited = createAliasRegistry({ aliasesPerRegion: 10 });
    const handler = new CommandHandler(store, { maxAttempts: 60 });
    const { fulfilled, reasons } = await settle(
      Array.from({ length: 30 }, (_, i) => handler.handle(limited, STREAM, createAlias(`alias/name-${i}`, i), context)),
    );
    expect(fulfilled).toBe(10);
    expect(reasons.every((e) => isKmsError(e, 'LimitExceededException'))).toBe(true);
    const { state } = await handler.load(limited, STREAM);
    expect(state.aliases.size).toBe(10);
  });

  it('takes its limits from the container when the service runs the commands', async () => {
    const container = new Container({ defaultScope: 'Singleton' });
    container.bind<EventStore>(EventStore).toConstantValue(store);
    container.bind<CommandHandlerSettings>(CommandHandlerSettings).toConstantValue({ maxAttempts: 60 });
    container.bind(CommandHandler).toSelf();
    container.bind<AliasLimits>(AliasLimits).toConstantValue({ aliasesPerKey: 3 });
    container.bind(AliasRegistryService).toSelf();
    const aliases = container.get(AliasRegistryService);
    const { fulfilled, reasons } = await settle(Array.from({ length: 8 }, (_, i) => aliases.execute(createAlias(`alias/k-${i}`, 7), context)));
    expect(fulfilled).toBe(3);
    expect(reasons.every((e) => isKmsError(e, 'LimitExceededException'))).toBe(true);
    expect((await aliases.load(ACCOUNT, REGION)).aliases.size).toBe(3);
  });
});

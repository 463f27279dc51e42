import { randomBytes, randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { Container } from 'inversify';
import { bindKmsReadSide } from '../../../../projections/kms-read-side/bind-kms-read-side.js';
import { ReadModelDatabase } from '../../../../projections/kms-read-side/read-model-database.js';
import { SqliteTemporalReadSide } from '../../../../projections/temporal/temporal-read-side.js';
import { AliasRegistryService } from '../../../../src/application/alias/alias-registry-service.js';
import { CommandHandler, CommandHandlerSettings } from '../../../../src/application/command-handler.js';
import { bindKms } from '../../../../src/application/kms/bind-kms.js';
import { CiphertextCodec } from '../../../../src/application/material/ciphertext-codec.js';
import { GrantTokens } from '../../../../src/application/material/grant-tokens.js';
import { MaterialService } from '../../../../src/application/material/material-service.js';
import { RootKey } from '../../../../src/application/material/root-key.js';
import { EventStore, type RecordedEvent } from '../../../../src/application/ports/event-store.js';
import { KmsOperations } from '../../../../src/application/ports/kms-operations.js';
import type { CallContext, CallerIdentity } from '../../../../src/domain/call-context.js';
import type { IdentityCommand } from '../../../../src/domain/identity/identity-commands.js';
import { createIdentityDirectory } from '../../../../src/domain/identity/identity-directory.js';
import { identityDirectoryStream } from '../../../../src/domain/identity/identity-stream.js';
import { AesGcmCiphertextCodec } from '../../../../src/infrastructure/crypto/ciphertext-blob.js';
import { AesGcmRootKey } from '../../../../src/infrastructure/crypto/aes-gcm-root-key.js';
import { HmacGrantTokens } from '../../../../src/infrastructure/crypto/grant-token.js';
import { SqliteEventStore } from '../../../../src/infrastructure/eventstore/sqlite/sqlite-event-store.js';

export const ACCOUNT_A = '111122223333';
export const ACCOUNT_B = '444455556666';
export const REGION = 'eu-west-3';
/** Far from the wall clock on purpose: nothing may depend on the real time. */
export const START_TIME = '2031-05-04T12:00:00.000Z';

export const ROOT_A: CallerIdentity = { type: 'Root', principalId: ACCOUNT_A, arn: `arn:aws:iam::${ACCOUNT_A}:root`, accountId: ACCOUNT_A };
export const ROOT_B: CallerIdentity = { type: 'Root', principalId: ACCOUNT_B, arn: `arn:aws:iam::${ACCOUNT_B}:root`, accountId: ACCOUNT_B };
export const ALICE: CallerIdentity = {
  type: 'IAMUser', principalId: 'AIDAALICEEXAMPLE00001', arn: `arn:aws:iam::${ACCOUNT_A}:user/alice`, accountId: ACCOUNT_A, userName: 'alice',
};
export const CAROL: CallerIdentity = {
  type: 'IAMUser', principalId: 'AIDACAROLEXAMPLE00001', arn: `arn:aws:iam::${ACCOUNT_A}:user/carol`, accountId: ACCOUNT_A, userName: 'carol',
};
/** A session of the role "auditor" in account A. */
export const AUDITOR_SESSION: CallerIdentity = {
  type: 'AssumedRole', principalId: 'AROAAUDITOREXAMPLE001:case-7', arn: `arn:aws:sts::${ACCOUNT_A}:assumed-role/auditor/case-7`, accountId: ACCOUNT_A,
};
export const BOB: CallerIdentity = {
  type: 'IAMUser', principalId: 'AIDABOBEXAMPLE0000001', arn: `arn:aws:iam::${ACCOUNT_B}:user/bob`, accountId: ACCOUNT_B, userName: 'bob',
};

/** Every KMS action on any resource: what an administrator's identity policy says. */
export const ALL_KMS = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] });

/**
 * The KMS operations wired as the composition root would: the SQLite engine in memory,
 * the real crypto adapters under a fresh root key, the read models in an in-memory
 * database, and identities written through the identity directory.
 */
export class KmsFixture {
  readonly container = new Container({ defaultScope: 'Singleton' });
  readonly store: SqliteEventStore;
  readonly db: Database.Database;
  time = START_TIME;
  /** The context of the last call made through `invoke`. */
  lastCall: CallContext | null = null;

  constructor() {
    this.store = SqliteEventStore.open(':memory:');
    this.db = new Database(':memory:');
    const c = this.container;
    c.bind<EventStore>(EventStore).toConstantValue(this.store);
    c.bind<CommandHandlerSettings>(CommandHandlerSettings).toConstantValue({ maxAttempts: 5 });
    c.bind(CommandHandler).toSelf();
    c.bind<RootKey>(RootKey).toConstantValue(new AesGcmRootKey(randomBytes(32)));
    c.bind(MaterialService).toSelf();
    c.bind(AliasRegistryService).toSelf();
    c.bind<CiphertextCodec>(CiphertextCodec).to(AesGcmCiphertextCodec);
    c.bind<GrantTokens>(GrantTokens).to(HmacGrantTokens);
    c.bind<ReadModelDatabase>(ReadModelDatabase).toConstantValue(this.db);
    bindKmsReadSide(c);
    bindKms(c);
  }

  get operations(): KmsOperations {
    return this.container.get<KmsOperations>(KmsOperations);
  }

  context(caller: CallerIdentity, operation: string): CallContext {
    return {
      requestId: randomUUID(),
      eventId: randomUUID(),
      time: this.time,
      caller,
      sourceIp: '192.0.2.10',
      userAgent: 'keytrail-test',
      region: REGION,
      operation,
      eventType: 'AwsApiCall',
    };
  }

  invoke(caller: CallerIdentity, operation: string, input: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    this.lastCall = this.context(caller, operation);
    return this.operations.invoke(operation, input, this.lastCall);
  }

  /** The KmsError code a call fails with. */
  async errorOf(caller: CallerIdentity, operation: string, input: Record<string, unknown> = {}): Promise<{ code: string; message: string }> {
    try {
      await this.invoke(caller, operation, input);
    } catch (e) {
      const error = e as { code?: string; message: string };
      return { code: error.code ?? 'not a KmsError', message: error.message };
    }
    throw new Error(`${operation} was expected to fail`);
  }

  async createKey(caller: CallerIdentity = ROOT_A, input: Record<string, unknown> = {}): Promise<{ keyId: string; arn: string }> {
    const out = (await this.invoke(caller, 'CreateKey', input)) as { KeyMetadata: { KeyId: string; Arn: string } };
    return { keyId: out.KeyMetadata.KeyId, arn: out.KeyMetadata.Arn };
  }

  /** Creates the account's directory and, for an IAM user, the user with these inline policies. */
  async identity(caller: CallerIdentity, policies: Record<string, string> = {}): Promise<void> {
    const run = (command: IdentityCommand) =>
      this.container.get(CommandHandler).handle(createIdentityDirectory(), identityDirectoryStream(caller.accountId), command, this.context(ROOT_A, 'IdentitySetup'));
    const { state } = await this.container.get(CommandHandler).load(createIdentityDirectory(), identityDirectoryStream(caller.accountId));
    if (state.accountId === null) await run({ type: 'CreateAccount', accountId: caller.accountId });
    if (caller.type !== 'IAMUser' && caller.type !== 'AssumedRole') return;
    const principalType = caller.type === 'IAMUser' ? 'User' : 'Role';
    const name = caller.type === 'IAMUser' ? caller.userName! : caller.arn.split('/')[1]!;
    const principalId = caller.principalId.split(':')[0]!;
    await run({ type: 'CreatePrincipal', accountId: caller.accountId, principalType, name, path: '/', principalId });
    for (const [policyName, policyDocument] of Object.entries(policies)) {
      await run({ type: 'PutIdentityPolicy', accountId: caller.accountId, principalType, principalName: name, policyName, policyDocument });
    }
  }

  async events(filter: (e: RecordedEvent) => boolean = () => true): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    for await (const event of this.store.readAll()) if (filter(event)) out.push(event);
    return out;
  }

  /** Every event that carries the call with this request id in its metadata. */
  async eventsOfLastCall(): Promise<RecordedEvent[]> {
    return this.eventsOfRequest(this.lastCall!.requestId);
  }

  async eventsOfRequest(requestId: string): Promise<RecordedEvent[]> {
    return this.events((e) => e.metadata['requestId'] === requestId && !e.stream.startsWith('kmsmaterial-') && !e.stream.startsWith('iamaccount-'));
  }

  async close(): Promise<void> {
    await this.container.get(SqliteTemporalReadSide).stop();
    await this.store.close();
    this.db.close();
  }
}

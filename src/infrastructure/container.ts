import 'reflect-metadata';
import { Container } from 'inversify';
import { AliasRegistryService } from '../application/alias/alias-registry-service.js';
import { CommandHandler, CommandHandlerSettings } from '../application/command-handler.js';
import { AccessKeySecrets } from '../application/identity/access-key-secrets.js';
import { EventSourcedAccessKeyDirectory } from '../application/identity/event-sourced-access-key-directory.js';
import { IdentityService } from '../application/identity/identity-service.js';
import { InstallationSetup } from '../application/identity/installation.js';
import { CiphertextCodec } from '../application/material/ciphertext-codec.js';
import { GrantTokens } from '../application/material/grant-tokens.js';
import { MaterialService } from '../application/material/material-service.js';
import { RootKey } from '../application/material/root-key.js';
import { AccessKeyDirectory } from '../application/ports/access-key-directory.js';
import { Clock } from '../application/ports/clock.js';
import { EventStore } from '../application/ports/event-store.js';
import { SystemClock } from './clock/system-clock.js';
import { KeyTrailConfig } from './config/config.js';
import { AesGcmCiphertextCodec, HmacGrantTokens, loadRootKey } from './crypto/index.js';
import { openEventStore } from './eventstore/open-event-store.js';

/**
 * The composition root: the one place that knows which adapter serves which port.
 * Everything it opens is closed by `closeContainer`.
 */
export async function createContainer(config: KeyTrailConfig): Promise<Container> {
  const container = new Container({ defaultScope: 'Singleton' });
  container.bind<KeyTrailConfig>(KeyTrailConfig).toConstantValue(config);
  container.bind<Clock>(Clock).to(SystemClock);
  container.bind<CommandHandlerSettings>(CommandHandlerSettings).toConstantValue({ maxAttempts: config.commandAttempts });
  container.bind(CommandHandler).toSelf();

  // The root key first: a wrong or unreadable one must stop us before anything is written.
  container.bind<RootKey>(RootKey).toConstantValue(loadRootKey({ rootKeyFile: config.rootKeyFile, dataDir: config.dataDir }).rootKey);
  container.bind<CiphertextCodec>(CiphertextCodec).to(AesGcmCiphertextCodec);
  container.bind<GrantTokens>(GrantTokens).to(HmacGrantTokens);
  container.bind(MaterialService).toSelf();
  container.bind(AccessKeySecrets).toSelf();
  container.bind(IdentityService).toSelf();
  container.bind(InstallationSetup).toSelf();
  container.bind<AccessKeyDirectory>(AccessKeyDirectory).to(EventSourcedAccessKeyDirectory);
  container.bind(AliasRegistryService).toSelf();

  container.bind<EventStore>(EventStore).toConstantValue(await openEventStore(config.store));
  return container;
}

export async function closeContainer(container: Container): Promise<void> {
  await container.get<EventStore>(EventStore).close();
}

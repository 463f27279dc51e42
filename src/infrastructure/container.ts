import 'reflect-metadata';
import { Container } from 'inversify';
import { CommandHandler, CommandHandlerSettings } from '../application/command-handler.js';
import { Clock } from '../application/ports/clock.js';
import { EventStore } from '../application/ports/event-store.js';
import { SystemClock } from './clock/system-clock.js';
import { KeyTrailConfig } from './config/config.js';
import { openEventStore } from './eventstore/open-event-store.js';

/**
 * The composition root: the one place that knows which adapter serves which port.
 * Everything it opens is closed by `closeContainer`.
 */
export async function createContainer(config: KeyTrailConfig): Promise<Container> {
  const container = new Container({ defaultScope: 'Singleton' });
  container.bind<KeyTrailConfig>(KeyTrailConfig).toConstantValue(config);
  container.bind<EventStore>(EventStore).toConstantValue(await openEventStore(config.store));
  container.bind<Clock>(Clock).to(SystemClock);
  container.bind<CommandHandlerSettings>(CommandHandlerSettings).toConstantValue({ maxAttempts: config.commandAttempts });
  container.bind(CommandHandler).toSelf();
  return container;
}

export async function closeContainer(container: Container): Promise<void> {
  await container.get<EventStore>(EventStore).close();
}

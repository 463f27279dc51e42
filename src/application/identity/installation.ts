import { randomInt } from 'node:crypto';
import { inject, injectable } from 'inversify';
import { isKmsError } from '../../domain/errors.js';
import { principalKey } from '../../domain/identity/identity-directory.js';
import { eventMetadata } from '../event-metadata.js';
import { Clock } from '../ports/clock.js';
import { EventStore } from '../ports/event-store.js';
import { WrongExpectedRevisionError } from '../ports/event-store-errors.js';
import { serviceCallContext } from '../service-call.js';
import { IdentityService, type NewAccessKey } from './identity-service.js';

/** The stream that records which account this installation was set up with. */
export const INSTALLATION_STREAM = 'ktinstallation-default';
export const ADMIN_USER = 'keytrail-admin';
export const ADMIN_POLICY_NAME = 'KeyTrailAdministrator';
const ADMIN_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'AdministerKms', Effect: 'Allow', Action: 'kms:*', Resource: '*' }],
});

async function tolerateExisting(step: Promise<unknown>): Promise<void> {
  try {
    await step;
  } catch (error) {
    if (!isKmsError(error, 'EntityAlreadyExistsException')) throw error;
  }
}

export interface Installation {
  readonly accountId: string;
  readonly adminUserName: string;
  /** Only when this start made the administrator's access key: its secret is shown this once. */
  readonly newAccessKey: NewAccessKey | null;
}

/**
 * First start: an account with a random id, an administrator allowed kms:*, and one access
 * key for it. Every step checks what the events already say, so a start interrupted
 * half-way finishes the job next time, and two nodes starting together agree on one
 * account (the first to append the installation record wins).
 */
@injectable()
export class InstallationSetup {
  constructor(
    @inject(EventStore) private readonly store: EventStore,
    @inject(IdentityService) private readonly identity: IdentityService,
    @inject(Clock) private readonly clock: Clock,
  ) {}

  async ensure(region: string): Promise<Installation> {
    const accountId = await this.chooseAccount(region);
    const context = (operation: string) => serviceCallContext(operation, region, this.clock.now());
    const directory = await this.identity.load(accountId);
    // Another node (or process) may be making the same steps right now: what it made first counts.
    if (directory.accountId === null) await tolerateExisting(this.identity.createAccount(accountId, context('CreateAccount')));
    const admin = directory.principals.get(principalKey('User', ADMIN_USER));
    if (!admin) await tolerateExisting(this.identity.createPrincipal(accountId, 'User', ADMIN_USER, '/', context('CreateUser')));
    if (!admin?.policies.has(ADMIN_POLICY_NAME)) {
      await this.identity.putIdentityPolicy(accountId, 'User', ADMIN_USER, ADMIN_POLICY_NAME, ADMIN_POLICY, context('PutUserPolicy'));
    }
    const hasKey = [...directory.accessKeys.values()].some((k) => k.userName === ADMIN_USER);
    const newAccessKey = hasKey ? null : await this.identity.createAccessKey(accountId, ADMIN_USER, context('CreateAccessKey'));
    return { accountId, adminUserName: ADMIN_USER, newAccessKey };
  }

  /** The account this installation serves, chosen once, at the first start. */
  private async chooseAccount(region: string): Promise<string> {
    const recorded = await this.recordedAccount();
    if (recorded) return recorded;
    const accountId = String(randomInt(100_000_000_000, 1_000_000_000_000)).padStart(12, '0');
    try {
      const metadata = eventMetadata(serviceCallContext('InitializeInstallation', region, this.clock.now()), 1);
      await this.store.append(INSTALLATION_STREAM, [{ type: 'InstallationInitialized', data: { accountId, adminUserName: ADMIN_USER }, metadata }], 'no_stream');
      return accountId;
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      return (await this.recordedAccount())!;
    }
  }

  /** The installation's account; null before the first start. */
  async recordedAccount(): Promise<string | null> {
    for await (const event of this.store.readStream(INSTALLATION_STREAM, { maxCount: 1 })) {
      return (event.data as { accountId: string }).accountId;
    }
    return null;
  }
}

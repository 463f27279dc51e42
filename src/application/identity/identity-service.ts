import { inject, injectable } from 'inversify';
import type { CallContext } from '../../domain/call-context.js';
import type { IdentityCommand } from '../../domain/identity/identity-commands.js';
import { createIdentityDirectory, type IdentityDirectory, type IdentityDirectoryState } from '../../domain/identity/identity-directory.js';
import type { IdentityEvent } from '../../domain/identity/identity-events.js';
import type { PrincipalType } from '../../domain/identity/iam-names.js';
import { identityDirectoryStream } from '../../domain/identity/identity-stream.js';
import { CommandHandler, type CommandOutcome } from '../command-handler.js';
import { AccessKeySecrets } from './access-key-secrets.js';
import { generateAccessKeyId, generatePrincipalId, generateSecretAccessKey } from './credentials.js';

export interface NewAccessKey {
  readonly accessKeyId: string;
  /** Shown once, to whoever created the key; stored only wrapped. */
  readonly secretAccessKey: string;
  readonly userName: string | null;
}

/**
 * The identity directory's use cases: each makes what the domain must not (unique ids,
 * secrets, their wrapping) and runs one command against the account's stream.
 */
@injectable()
export class IdentityService {
  private readonly directory: IdentityDirectory = createIdentityDirectory();

  constructor(
    @inject(CommandHandler) private readonly commands: CommandHandler,
    @inject(AccessKeySecrets) private readonly secrets: AccessKeySecrets,
  ) {}

  createAccount(accountId: string, context: CallContext) {
    return this.run({ type: 'CreateAccount', accountId }, context);
  }

  async createPrincipal(accountId: string, principalType: PrincipalType, name: string, path: string, context: CallContext) {
    const outcome = await this.run(
      { type: 'CreatePrincipal', accountId, principalType, name, path, principalId: generatePrincipalId(principalType) },
      context,
    );
    return outcome.events[0]?.type === 'PrincipalCreated' ? outcome.events[0].data : null;
  }

  deletePrincipal(accountId: string, principalType: PrincipalType, name: string, context: CallContext) {
    return this.run({ type: 'DeletePrincipal', accountId, principalType, name }, context);
  }

  /** `userName` null: a key of the account's root user. */
  async createAccessKey(accountId: string, userName: string | null, context: CallContext): Promise<NewAccessKey> {
    const accessKeyId = generateAccessKeyId();
    const secretAccessKey = generateSecretAccessKey();
    await this.run(
      { type: 'CreateAccessKey', accountId, userName, accessKeyId, wrappedSecret: this.secrets.seal(accessKeyId, secretAccessKey) },
      context,
    );
    return { accessKeyId, secretAccessKey, userName };
  }

  updateAccessKey(accountId: string, userName: string | null, accessKeyId: string, status: 'Active' | 'Inactive', context: CallContext) {
    return this.run({ type: 'UpdateAccessKey', accountId, userName, accessKeyId, status }, context);
  }

  deleteAccessKey(accountId: string, userName: string | null, accessKeyId: string, context: CallContext) {
    return this.run({ type: 'DeleteAccessKey', accountId, userName, accessKeyId }, context);
  }

  putIdentityPolicy(accountId: string, principalType: PrincipalType, principalName: string, policyName: string, policyDocument: string, context: CallContext) {
    return this.run({ type: 'PutIdentityPolicy', accountId, principalType, principalName, policyName, policyDocument }, context);
  }

  deleteIdentityPolicy(accountId: string, principalType: PrincipalType, principalName: string, policyName: string, context: CallContext) {
    return this.run({ type: 'DeleteIdentityPolicy', accountId, principalType, principalName, policyName }, context);
  }

  /** The directory of one account as its stream folds today. */
  async load(accountId: string): Promise<IdentityDirectoryState> {
    return (await this.commands.load(this.directory, identityDirectoryStream(accountId))).state;
  }

  private run(command: IdentityCommand, context: CallContext): Promise<CommandOutcome<IdentityEvent, IdentityDirectoryState>> {
    return this.commands.handle(this.directory, identityDirectoryStream(command.accountId), command, context);
  }
}

import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { Container } from 'inversify';
import { IdentityService } from '../application/identity/identity-service.js';
import { InstallationSetup } from '../application/identity/installation.js';
import { Clock } from '../application/ports/clock.js';
import { serviceCallContext } from '../application/service-call.js';
import type { PrincipalType } from '../domain/identity/iam-names.js';
import { KeyTrailConfig } from '../infrastructure/config/config.js';
import { credentialsProfile } from '../infrastructure/credentials-file.js';
import { withConfigOptions } from './options.js';
import { UsageError, withContainer } from './with-container.js';

interface Tools {
  readonly identity: IdentityService;
  readonly accountId: string;
  context(operation: string): ReturnType<typeof serviceCallContext>;
}

/** The account a command acts on: --account, or the one this installation was set up with. */
async function tools(container: Container, account: string | undefined): Promise<Tools> {
  const config = container.get<KeyTrailConfig>(KeyTrailConfig);
  const clock = container.get<Clock>(Clock);
  return {
    identity: container.get(IdentityService),
    accountId: account ?? (await installationAccount(container)),
    context: (operation) => serviceCallContext(operation, config.region, clock.now(), 'keytrail-cli'),
  };
}

async function installationAccount(container: Container): Promise<string> {
  const recorded = await container.get(InstallationSetup).recordedAccount();
  if (recorded === null) throw new UsageError('this installation has no account yet: start the server once (npm start), or name one with --account');
  return recorded;
}

function accountId(text: string): string {
  if (!/^\d{12}$/.test(text)) throw new InvalidArgumentError('an account id is 12 digits');
  return text;
}

/** A policy document inline, or `file://path` as the AWS CLI takes it. */
function policyDocument(text: string): string {
  return text.startsWith('file://') ? readFileSync(text.slice('file://'.length), 'utf8') : text;
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** One subcommand with the config flags and --account. */
function sub(parent: Command, name: string, description: string): Command {
  return withConfigOptions(parent.command(name))
    .description(description)
    .option('--account <id>', 'account id (default: the installation account)', accountId);
}

function principalOption(): Option {
  return new Option('--type <type>', 'user or role').choices(['user', 'role']).default('user');
}

const principalType = (type: string): PrincipalType => (type === 'role' ? 'Role' : 'User');

export function identityCommand(): Command {
  const identity = new Command('identity').description('accounts, IAM users and roles, access keys and identity policies');

  sub(identity, 'show', 'the identity directory of an account (no secrets)').action((o) =>
    withContainer(o, async (c) => {
      const t = await tools(c, o.account);
      const state = await t.identity.load(t.accountId);
      print({
        accountId: t.accountId,
        exists: state.accountId !== null,
        principals: [...state.principals.values()].map((p) => ({
          type: p.principalType,
          name: p.name,
          arn: p.arn,
          principalId: p.principalId,
          policies: [...p.policies.keys()],
        })),
        accessKeys: [...state.accessKeys.values()],
      });
    }),
  );

  withConfigOptions(identity.command('create-account'))
    .description('create an account (a random 12-digit id unless --account-id)')
    .option('--account-id <id>', 'the new account id', accountId)
    .action((o) =>
      withContainer(o, async (c) => {
        const t = await tools(c, o.accountId ?? String(Math.floor(1e11 + Math.random() * 9e11)));
        await t.identity.createAccount(t.accountId, t.context('CreateAccount'));
        print({ accountId: t.accountId, rootArn: `arn:aws:iam::${t.accountId}:root` });
      }),
    );

  sub(identity, 'create-principal', 'create an IAM user or role')
    .requiredOption('--name <name>', 'user or role name')
    .option('--path <path>', 'IAM path', '/')
    .addOption(principalOption())
    .action((o) =>
      withContainer(o, async (c) => {
        const t = await tools(c, o.account);
        const created = await t.identity.createPrincipal(t.accountId, principalType(o.type), o.name, o.path, t.context(o.type === 'role' ? 'CreateRole' : 'CreateUser'));
        print(created);
      }),
    );

  sub(identity, 'delete-principal', 'delete an IAM user or role')
    .requiredOption('--name <name>', 'user or role name')
    .addOption(principalOption())
    .action((o) =>
      withContainer(o, async (c) => {
        const t = await tools(c, o.account);
        await t.identity.deletePrincipal(t.accountId, principalType(o.type), o.name, t.context(o.type === 'role' ? 'DeleteRole' : 'DeleteUser'));
      }),
    );

  sub(identity, 'create-access-key', 'create an access key and print it as an AWS CLI credentials profile')
    .option('--user <name>', "the user (default: the account's root user)")
    .option('--profile <name>', 'profile name in the printed credentials', 'keytrail')
    .action((o) =>
      withContainer(o, async (c) => {
        const t = await tools(c, o.account);
        const key = await t.identity.createAccessKey(t.accountId, o.user ?? null, t.context('CreateAccessKey'));
        process.stdout.write(credentialsProfile({ profile: o.profile, ...key }));
      }),
    );

  for (const [name, status] of [['deactivate-access-key', 'Inactive'], ['activate-access-key', 'Active']] as const) {
    sub(identity, name, `mark an access key ${status.toLowerCase()}`)
      .requiredOption('--access-key-id <id>', 'the access key')
      .option('--user <name>', "its user (default: the account's root user)")
      .action((o) =>
        withContainer(o, async (c) => {
          const t = await tools(c, o.account);
          await t.identity.updateAccessKey(t.accountId, o.user ?? null, o.accessKeyId, status, t.context('UpdateAccessKey'));
        }),
      );
  }

  sub(identity, 'delete-access-key', 'delete an access key')
    .requiredOption('--access-key-id <id>', 'the access key')
    .option('--user <name>', "its user (default: the account's root user)")
    .action((o) =>
      withContainer(o, async (c) => {
        const t = await tools(c, o.account);
        await t.identity.deleteAccessKey(t.accountId, o.user ?? null, o.accessKeyId, t.context('DeleteAccessKey'));
      }),
    );

  sub(identity, 'put-policy', 'attach (or replace) an inline identity policy')
    .requiredOption('--name <name>', 'user or role name')
    .addOption(principalOption())
    .requiredOption('--policy-name <name>', 'policy name')
    .requiredOption('--policy-document <json>', 'the document, inline or file://path', policyDocument)
    .action((o) =>
      withContainer(o, async (c) => {
        const t = await tools(c, o.account);
        await t.identity.putIdentityPolicy(t.accountId, principalType(o.type), o.name, o.policyName, o.policyDocument, t.context(o.type === 'role' ? 'PutRolePolicy' : 'PutUserPolicy'));
      }),
    );

  sub(identity, 'delete-policy', 'remove an inline identity policy')
    .requiredOption('--name <name>', 'user or role name')
    .addOption(principalOption())
    .requiredOption('--policy-name <name>', 'policy name')
    .action((o) =>
      withContainer(o, async (c) => {
        const t = await tools(c, o.account);
        await t.identity.deleteIdentityPolicy(t.accountId, principalType(o.type), o.name, o.policyName, t.context(o.type === 'role' ? 'DeleteRolePolicy' : 'DeleteUserPolicy'));
      }),
    );

  return identity;
}

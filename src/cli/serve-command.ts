import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { SqliteKmsReadSide } from '../../projections/kms-read-side/sqlite-kms-read-side.js';
import { InstallationSetup } from '../application/identity/installation.js';
import { KeyMaintenance } from '../application/kms/maintenance/key-maintenance.js';
import { KeyTrailConfig, SETTINGS, readModelPath } from '../infrastructure/config/config.js';
import { writeCredentialsFile } from '../infrastructure/credentials-file.js';
import { KmsHttpServer } from '../infrastructure/http/kms-http-server.js';
import { withConfigOptions } from './options.js';
import { withContainer } from './with-container.js';

export const CREDENTIALS_FILE_NAME = 'admin-credentials';
export const CREDENTIALS_PROFILE = 'keytrail';

export function serveCommand(): Command {
  return withConfigOptions(new Command('serve'))
    .description('serve the AWS KMS API (npm start runs this)')
    .option('--host <address>', `address to listen on (${SETTINGS.host.env}, default ${SETTINGS.host.default})`)
    .option('--port <port>', `port, 0 for any free one (${SETTINGS.port.env}, default ${SETTINGS.port.default})`)
    .action((options) =>
      withContainer(options, async (container) => {
        const config = container.get<KeyTrailConfig>(KeyTrailConfig);
        const installation = await container.get(InstallationSetup).ensure(config.region);
        const credentialsFile = join(config.dataDir, CREDENTIALS_FILE_NAME);
        if (installation.newAccessKey) {
          writeCredentialsFile(credentialsFile, { profile: CREDENTIALS_PROFILE, ...installation.newAccessKey });
        }
        // A read model rebuilt after an upgrade would fail the reads until it caught up: wait for it here.
        const readModels = container.get(SqliteKmsReadSide).whenLive();
        const slow = setTimeout(() => process.stdout.write('KeyTrail catching up its read models with the event log...\n'), 1000);
        await readModels.finally(() => clearTimeout(slow));
        if (config.maintenanceIntervalMs > 0) container.get(KeyMaintenance).start(config.maintenanceIntervalMs);
        const server = container.get(KmsHttpServer);
        const boundPort = await server.listen(config.port, config.host);
        const endpoint = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${boundPort}`;
        const store = config.store.engine === 'sqlite' ? `sqlite:${config.store.path}` : config.store.connectionString.replace(/\/\/[^@/]*@/, '//***@');
        const lines = [
          `KeyTrail serving the AWS KMS API on ${endpoint}`,
          `  events:       ${store}`,
          `  read models:  ${readModelPath(config)}`,
          `  account:      ${installation.accountId} (administrator: ${installation.adminUserName})`,
        ];
        if (installation.newAccessKey) {
          lines.push(`  credentials:  ${credentialsFile} (new; the only unwrapped copy of the secret)`);
        } else if (existsSync(credentialsFile)) {
          lines.push(`  credentials:  ${credentialsFile}`);
        } else {
          lines.push(`  credentials:  none on this machine; make some with: keytrail identity create-access-key --user ${installation.adminUserName}`);
        }
        lines.push(
          'Try:',
          `  export AWS_SHARED_CREDENTIALS_FILE=${credentialsFile} AWS_PROFILE=${CREDENTIALS_PROFILE} AWS_REGION=${config.region} AWS_DEFAULT_REGION=${config.region}`,
          `  aws kms create-key --description "my first key" --endpoint-url ${endpoint}`,
        );
        process.stdout.write(`${lines.join('\n')}\n`);

        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        process.stdout.write('KeyTrail stopping\n');
        await server.close();
      }),
    );
}

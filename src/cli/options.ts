import type { Command } from 'commander';
import { loadConfig, SETTINGS, type ConfigOverrides, type KeyTrailConfig } from '../infrastructure/config/config.js';

/** The flags that mirror the KEYTRAIL_* environment variables, on every command that needs them. */
export function withConfigOptions(command: Command): Command {
  return command
    .option('--store <location>', `sqlite:<path> or esdb://... (${SETTINGS.store.env}, default ${SETTINGS.store.default})`)
    .option('--data-dir <dir>', `data folder (${SETTINGS.dataDir.env}, default ${SETTINGS.dataDir.default})`)
    .option('--root-key-file <file>', `root key file (${SETTINGS.rootKeyFile.env}, default ${SETTINGS.rootKeyFile.default})`)
    .option('--region <region>', `region (${SETTINGS.region.env}, default ${SETTINGS.region.default})`);
}

export function configFrom(options: Record<string, unknown>): KeyTrailConfig {
  const overrides: ConfigOverrides = {};
  for (const key of Object.keys(SETTINGS) as Array<keyof typeof SETTINGS>) {
    const value = options[key];
    if (typeof value === 'string') overrides[key] = value;
  }
  return loadConfig(process.env, overrides);
}

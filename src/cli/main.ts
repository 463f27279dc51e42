#!/usr/bin/env -S node --max-semi-space-size=64
import 'reflect-metadata';
import { Command } from 'commander';
import { ConfigError } from '../infrastructure/config/config.js';
import { eventsCommand } from './events-command.js';
import { identityCommand } from './identity-command.js';
import { projectionsCommand } from './projections-command.js';
import { queryCommand } from './query-command.js';
import { reportCommand } from './report-command.js';
import { serveCommand } from './serve-command.js';
import { trailCommand } from './trail-command.js';

const program = new Command('keytrail')
  .description('KeyTrail: an AWS-KMS-compatible key management service with an event-sourced audit trail')
  .showHelpAfterError()
  // A subcommand's options are its own even where its parent has the same (report and report diff).
  .enablePositionalOptions();
program.addCommand(eventsCommand());
program.addCommand(identityCommand());
program.addCommand(serveCommand());
program.addCommand(queryCommand());
program.addCommand(reportCommand());
program.addCommand(projectionsCommand());
program.addCommand(trailCommand());

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`keytrail: ${error.message}\n`);
    process.exit(2);
  }
  throw error;
}

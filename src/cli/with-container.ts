import type { Container } from 'inversify';
import { isKmsError } from '../domain/errors.js';
import { closeContainer, createContainer } from '../infrastructure/container.js';
import { configFrom } from './options.js';

/** A command that cannot run as asked; printed without a stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Runs one command against the configured store and closes it afterwards. A refusal by
 * the domain prints AWS's error type and message and exits 1, like the AWS CLI does.
 */
export async function withContainer(options: Record<string, unknown>, run: (container: Container) => Promise<void>): Promise<void> {
  const container = await createContainer(configFrom(options));
  try {
    await run(container);
  } catch (error) {
    if (error instanceof UsageError) process.stderr.write(`keytrail: ${error.message}\n`);
    else if (isKmsError(error)) process.stderr.write(`keytrail: ${error.code}: ${error.message}\n`);
    else throw error;
    process.exitCode = 1;
  } finally {
    await closeContainer(container);
  }
}

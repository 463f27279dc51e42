import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import { CloudTrailReplay } from '../application/cloudtrail/cloudtrail-replay.js';
import { listPublicKeysDocument } from '../application/cloudtrail/public-key-document.js';
import { TrailExporter } from '../application/cloudtrail/trail-exporter.js';
import { TrailPublicKey } from '../application/cloudtrail/trail-ports.js';
import { TrailVerifier } from '../application/cloudtrail/trail-verifier.js';
import { FsTrailFolder } from '../infrastructure/cloudtrail/fs-trail-folder.js';
import { RsaTrailPublicKey } from '../infrastructure/cloudtrail/rsa-trail-key.js';
import { KeyTrailConfig } from '../infrastructure/config/config.js';
import { withConfigOptions } from './options.js';
import { UsageError, withContainer } from './with-container.js';

const DEFAULT_BUCKET = 'keytrail-cloudtrail';
const DEFAULT_TRAIL = 'keytrail';

function time(text: string): Date {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new InvalidArgumentError('not a time: use ISO-8601, e.g. 2031-05-04T12:00:00Z');
  return new Date(ms);
}

function account(text: string): string {
  if (!/^\d{12}$/.test(text)) throw new InvalidArgumentError('an account id is 12 digits');
  return text;
}

function threads(text: string): number {
  if (!/^[12]$/.test(text)) throw new InvalidArgumentError('1 or 2');
  return Number(text);
}


function name(text: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{1,127}$/.test(text)) throw new InvalidArgumentError('letters, digits, ".", "_" and "-" only');
  return text;
}

export function trailCommand(): Command {
  const command = new Command('trail').description('the event log as AWS CloudTrail delivers it: log files, signed digests, live records');

  withConfigOptions(command.command('export'))
    .description('write CloudTrail log files and signed hourly digest files in AWS\'s S3 layout')
    .requiredOption('--out <dir>', 'folder to write AWSLogs/ into')
    .option('--from <time>', 'calls at or after this time (ISO-8601)', time)
    .option('--to <time>', 'calls before this time (ISO-8601)', time)
    .option('--account <id>', 'only the trail of this account', account)
    .option('--bucket <name>', `S3 bucket the files are meant for (default ${DEFAULT_BUCKET})`, name, DEFAULT_BUCKET)
    .option('--trail <name>', `trail name in digest file names (default ${DEFAULT_TRAIL})`, name, DEFAULT_TRAIL)
    .option('--threads <n>', '2: a worker thread exports the later half of the log beside this one (SQLite only); same files whatever the number (default KEYTRAIL_TRAIL_EXPORT_THREADS, 1)', threads)
    .action((options) =>
      withContainer(options, async (container) => {
        const exporter = container.get(TrailExporter);
        const bar = new SingleBar({ format: 'exporting [{bar}] {percentage}% | {records} records', stream: process.stderr, hideCursor: true });
        bar.start(1000, 0, { records: 0 });
        const summary = await exporter.export(new FsTrailFolder(resolve(options.out)), {
          bucket: options.bucket,
          trailName: options.trail,
          threads: options.threads ?? container.get<KeyTrailConfig>(KeyTrailConfig).trailExportThreads,
          ...(options.from ? { from: options.from } : {}),
          ...(options.to ? { to: options.to } : {}),
          ...(options.account ? { account: options.account } : {}),
          onProgress: (p) => bar.update(Math.round(p.fraction * 1000), { records: p.records }),
        });
        bar.stop();
        process.stdout.write(`${summary.records} records, ${summary.logFiles} log files, ${summary.digests} digest files in ${resolve(options.out)}\n`);
        for (const c of summary.channels) process.stdout.write(`  ${c.account} ${c.region}: ${c.logFiles} log files, ${c.digests} digests\n`);
      }),
    );

  withConfigOptions(command.command('verify'))
    .description('check every digest signature, the digest chain and every log file hash; name what was modified, deleted or inserted')
    .argument('<dir>', 'a folder written by `keytrail trail export`')
    .option('--public-key <file>', 'the trail public key (from `keytrail trail public-key`); default: this installation\'s key')
    .action((dir: string, options) =>
      withContainer(options, async (container) => {
        const key = options.publicKey ? publicKeyFrom(options.publicKey) : container.get<TrailPublicKey>(TrailPublicKey);
        const report = await new TrailVerifier(new FsTrailFolder(resolve(dir)), key).verify();
        for (const p of report.problems) process.stdout.write(`${p.kind.toUpperCase()}\t${p.file}\t${p.detail}\n`);
        process.stdout.write(`${report.validDigests} digest files and ${report.validLogFiles} log files valid; ${report.problems.length} problems\n`);
        if (report.problems.length > 0) process.exitCode = 1;
      }),
    );

  withConfigOptions(command.command('tail'))
    .description('print CloudTrail records as calls happen (JSON lines; Ctrl-C stops)')
    .option('--account <id>', 'only records of this account', account)
    .action((options) =>
      withContainer(options, async (container) => {
        const live = container.get(CloudTrailReplay).live(options.account ? { account: options.account } : {});
        const stop = () => void live.stop();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        for await (const { record } of live) process.stdout.write(`${JSON.stringify(record)}\n`);
      }),
    );

  withConfigOptions(command.command('public-key'))
    .description('print the trail signing key\'s public half as CloudTrail ListPublicKeys does')
    .option('--out <file>', 'write it to a file instead')
    .action((options) =>
      withContainer(options, async (container) => {
        const document = `${JSON.stringify(listPublicKeysDocument(container.get<TrailPublicKey>(TrailPublicKey), new Date(0)), null, 2)}\n`;
        if (options.out) writeFileSync(resolve(options.out), document);
        else process.stdout.write(document);
      }),
    );

  return command;
}

/** A ListPublicKeys document, a PEM file, or base64 DER. */
function publicKeyFrom(file: string): TrailPublicKey {
  const text = readFileSync(resolve(file), 'utf8');
  try {
    const document = JSON.parse(text) as { PublicKeyList?: Array<{ Value?: string }> };
    const value = document.PublicKeyList?.[0]?.Value;
    if (typeof value !== 'string') throw new UsageError(`${file} has no PublicKeyList[0].Value`);
    return RsaTrailPublicKey.parse(value);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    return RsaTrailPublicKey.parse(text);
  }
}

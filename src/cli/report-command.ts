import { writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { parseAsOf } from '../application/audit/instant.js';
import { ComplianceReports } from '../application/compliance/compliance-reports.js';
import { MAX_REPORT_DAYS } from '../application/compliance/compliance-settings.js';
import { DIFF_FORMATS, diffFormat, renderDiff, renderReport, REPORT_FORMATS, reportFormat, type Rendered } from '../application/compliance/format/render.js';
import type { ReportSettings } from '../application/compliance/report-model.js';
import { SETTINGS } from '../infrastructure/config/config.js';
import { withConfigOptions } from './options.js';
import { UsageError, withContainer } from './with-container.js';

function instant(text: string) {
  try {
    return parseAsOf(text);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

function days(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > MAX_REPORT_DAYS) throw new InvalidArgumentError(`must be a whole number of days from 1 to ${MAX_REPORT_DAYS}`);
  return n;
}

function account(text: string): string {
  if (!/^\d{12}$/.test(text)) throw new InvalidArgumentError('must be a 12-digit account id');
  return text;
}

function format(parse: (text: string) => string) {
  return (text: string) => {
    try {
      return parse(text);
    } catch (e) {
      throw new InvalidArgumentError((e as Error).message);
    }
  };
}

/** The options every report takes: scope, limits, where the document goes. */
function reportOptions(command: Command): Command {
  return withConfigOptions(command)
    .option('--account <id>', 'only this account (default: every account)', account)
    .option('--out <file>', 'write the document to this file instead of standard output')
    .option('--cryptoperiod-days <n>', `cryptoperiod limit (${SETTINGS.reportCryptoperiodDays.env}, default ${SETTINGS.reportCryptoperiodDays.default})`, days)
    .option('--grant-max-age-days <n>', `grant age limit (${SETTINGS.reportGrantMaxAgeDays.env}, default ${SETTINGS.reportGrantMaxAgeDays.default})`, days)
    .option('--unused-key-days <n>', `unused-key limit (${SETTINGS.reportUnusedKeyDays.env}, default ${SETTINGS.reportUnusedKeyDays.default})`, days);
}

function limits(options: { cryptoperiodDays?: number; grantMaxAgeDays?: number; unusedKeyDays?: number }): Partial<ReportSettings> {
  return {
    ...(options.cryptoperiodDays === undefined ? {} : { cryptoperiodDays: options.cryptoperiodDays }),
    ...(options.grantMaxAgeDays === undefined ? {} : { grantMaxAgeDays: options.grantMaxAgeDays }),
    ...(options.unusedKeyDays === undefined ? {} : { unusedKeyDays: options.unusedKeyDays }),
  };
}

/** To the file asked for (with a line on standard error saying what it holds), or to standard output. */
function emit(rendered: Rendered, out: string | undefined, summary: string): void {
  if (out === undefined) {
    process.stdout.write(rendered.body);
    return;
  }
  writeFileSync(out, rendered.body);
  process.stderr.write(`keytrail: ${summary}; written to ${out}\n`);
}

async function run(options: Record<string, unknown>, body: (reports: ComplianceReports) => Promise<void>): Promise<void> {
  await withContainer(options, async (container) => {
    try {
      await body(container.get(ComplianceReports));
    } catch (e) {
      if (e instanceof RangeError) throw new UsageError(e.message);
      throw e;
    }
  });
}

export function reportCommand(): Command {
  // Options after `diff` are the diff's own, though `report` has the same ones.
  const report = reportOptions(new Command('report').enablePositionalOptions())
    .description('compliance report: every control for every key and account as of an instant, since when, and the events that prove it')
    .option('--at <instant>', 'an ISO-8601 time or a global position (<commit>/<prepare>); default now', instant)
    .option('--format <format>', REPORT_FORMATS.join(', '), format(reportFormat), 'json')
    .action((options) =>
      run(options, async (reports) => {
        const document = await reports.report({ ...(options.at ? { asOf: options.at } : {}), ...(options.account ? { accountId: options.account } : {}), settings: limits(options) });
        const t = document.totals;
        emit(renderReport(document, options.format), options.out, `report as of ${document.asOf.time}: ${document.results.length} results, ${t.fail} failing, ${t.pass} passing, ${t.notApplicable} not applicable`);
      }),
    );

  reportOptions(report.command('diff'))
    .description('what changed in control results and in access between two instants (from, to]')
    .requiredOption('--from <instant>', 'the earlier instant (time or position)', instant)
    .requiredOption('--to <instant>', 'the later instant, on the same axis', instant)
    .option('--format <format>', DIFF_FORMATS.join(', '), format(diffFormat), 'json')
    .action((options) =>
      run(options, async (reports) => {
        const diff = await reports.diff({ from: options.from, to: options.to, ...(options.account ? { accountId: options.account } : {}), settings: limits(options) });
        const differences = diff.access.reduce((n, k) => n + k.differences.length, 0);
        emit(renderDiff(diff, options.format), options.out, `diff from ${diff.from.time} to ${diff.to.time}: ${diff.controlChanges.length} control changes, ${differences} access differences`);
      }),
    );
  return report;
}

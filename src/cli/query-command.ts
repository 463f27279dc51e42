import { Command, InvalidArgumentError } from 'commander';
import type { AccessEntry, ConcreteRequest } from '../application/audit/access-at.js';
import type { AccessStanding } from '../application/audit/access-changes.js';
import { parseAsOf } from '../application/audit/instant.js';
import type { Citation } from '../application/audit/temporal-read-models.js';
import { TimeTravelQueries } from '../application/audit/time-travel-queries.js';
import { withConfigOptions } from './options.js';
import { UsageError, withContainer } from './with-container.js';

function instant(text: string) {
  try {
    return parseAsOf(text);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

function pair(text: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('expected key=value');
  return { ...previous, [text.slice(0, eq)]: text.slice(eq + 1) };
}

function count(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return n;
}

const standing = (s: AccessStanding | null): string => (s === null ? 'none' : `${s.outcome}${s.keyStateAllows ? '' : ' (the key state refuses it)'}`);

const cite = (c: Citation): string => `${c.type} ${c.stream}@${c.revision} ${c.time} (position ${c.position})`;

/** Lines that differ only in the operation, once, with their operations. */
function grouped(lines: readonly (readonly [string, string])[]): string[] {
  const byLine = new Map<string, string[]>();
  for (const [line, operation] of lines) byLine.set(line, [...(byLine.get(line) ?? []), operation]);
  return [...byLine].map(([line, operations]) => `${line}  [${operations.join(', ')}]`);
}

function print(lines: readonly string[]): void {
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Runs a question; --json prints the whole answer, otherwise a summary a person can read. */
function answer<T>(options: { json?: boolean }, compute: (queries: TimeTravelQueries) => Promise<T>, text: (answer: T) => string[]) {
  return withContainer(options, async (container) => {
    let result: T;
    try {
      result = await compute(container.get(TimeTravelQueries));
    } catch (e) {
      if (e instanceof RangeError) throw new UsageError(e.message);
      throw e;
    }
    if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else print(text(result));
  });
}

function entryLines(e: AccessEntry): string[] {
  const head = `${e.outcome.padEnd(11)} ${e.operation.padEnd(16)} ${e.description}${e.keyStateAllows ? '' : '  [the key state refuses it]'}`;
  const paths = e.paths.flatMap((p) => [`              because ${p.because.join(' + ')}`, ...(p.conditions.length === 0 ? [] : [`              only when ${p.conditions.join(' and ')}`])]);
  const denials = e.denials.map((d) => `              denied by ${d.because}${d.conditions.length === 0 ? '' : ` when ${d.conditions.join(' and ')}`}`);
  const citations = e.citations.map((c) => `              cites ${cite(c)}`);
  return [head, ...paths, ...denials, ...citations];
}

const asOfOption = (c: Command) => c.option('--as-of <instant>', 'an ISO-8601 time or a global position (<commit>/<prepare>); default now', instant);
const jsonOption = (c: Command) => c.option('--json', 'the whole answer as JSON');

export function queryCommand(): Command {
  const query = new Command('query').description('time travel: ask the temporal read models about any instant (every answer cites its events)');

  jsonOption(asOfOption(withConfigOptions(query.command('key').argument('<key>', 'key id or ARN'))))
    .description('a key as of an instant: state, description, rotation, policy, grants, aliases, backing-key versions')
    .action((key: string, options) =>
      answer(options, (q) => q.keyAsOf(key, options.asOf ? { asOf: options.asOf } : {}), (a) =>
        a.key === null
          ? [`${a.keyId}: did not exist at ${a.asOf.time}`]
          : [
              `${a.key.arn} as of ${a.asOf.time}${a.asOf.position ? ` (position ${a.asOf.position})` : ''}`,
              `  state:        ${a.key.keyState}${a.key.deletionDate ? ` (deletion date ${a.key.deletionDate})` : ''}`,
              `  description:  ${a.key.description}`,
              `  rotation:     ${a.key.rotation.enabled ? `every ${a.key.rotation.periodInDays} days, next ${a.key.rotation.nextRotationDate}` : 'off'}`,
              `  backing keys: ${a.backingKeys.map((b) => `v${b.version} ${b.backingKeyId.slice(0, 12)}…`).join(', ') || 'none'}`,
              `  aliases:      ${a.aliases.map((x) => x.aliasName).join(', ') || 'none'}`,
              `  grants:       ${a.grants.length === 0 ? 'none' : ''}`,
              ...a.grants.map((g) => `    ${g.grantId} to ${g.granteePrincipal}: ${g.operations.join(', ')}${g.constraints ? ` ${JSON.stringify(g.constraints)}` : ''}`),
              `  policy:       ${a.policy === null ? 'none' : a.policy.policy}`,
              'Cites:',
              ...a.citations.map((c) => `  ${cite(c)}`),
            ],
      ),
    );

  jsonOption(asOfOption(withConfigOptions(query.command('who-can-use').argument('<key>', 'key id or ARN'))))
    .description('who could use the key for an operation (default: every operation), why, and under which conditions')
    .option('--operation <name>', 'e.g. Decrypt')
    .option('--encryption-context <key=value>', 'decide for this encryption context (repeatable)', pair)
    .option('--source-ip <ip>', 'decide for this source IP')
    .action((key: string, options) => {
      const request: ConcreteRequest | undefined =
        options.encryptionContext || options.sourceIp ? { encryptionContext: options.encryptionContext ?? {}, ...(options.sourceIp ? { sourceIp: options.sourceIp } : {}) } : undefined;
      return answer(
        options,
        (q) => q.whoCouldUse(key, { ...(options.asOf ? { asOf: options.asOf } : {}), ...(options.operation ? { operation: options.operation } : {}), ...(request ? { request } : {}) }),
        (a) => [
          `${a.keyArn ?? a.keyId} as of ${a.asOf.time}${a.asOf.position ? ` (position ${a.asOf.position})` : ''}: key state ${a.keyState ?? 'none (not created yet)'}`,
          ...(a.entries.length === 0 ? ['  nobody'] : a.entries.flatMap(entryLines).map((l) => `  ${l}`)),
          'Cites:',
          ...a.citations.map((c) => `  ${cite(c)}`),
        ],
      );
    });

  jsonOption(withConfigOptions(query.command('when').argument('<principal>', 'user, role or session ARN, account id, or service').argument('<key>', 'key id or ARN')))
    .description('when the principal could use the key: intervals per operation, with the events that opened and closed them')
    .option('--operation <name>', 'e.g. Decrypt')
    .action((principal: string, key: string, options) =>
      answer(options, (q) => q.whenCouldUse(principal, key, options.operation ? { operation: options.operation } : {}), (a) => [
        `${a.description} on key ${a.keyId} (${a.instantsEvaluated} instants evaluated)`,
        ...(a.intervals.length === 0 ? ['  never'] : []),
        ...a.intervals.flatMap((i) => [
          `  ${i.operation.padEnd(16)} ${i.outcome.padEnd(11)} from ${i.from.time} until ${i.to?.time ?? 'now'}${i.conditions.length === 0 ? '' : `, only when ${i.conditions.join(' and ')}`}`,
          `      opened by ${cite(i.from)}`,
          ...(i.to === null ? [] : [`      closed by ${cite(i.to)}`]),
        ]),
      ]),
    );

  jsonOption(asOfOption(withConfigOptions(query.command('keys-for').argument('<principal>', 'user, role or session ARN, account id, or service'))))
    .description('which keys the principal could use, and for which operations')
    .option('--operation <name>', 'e.g. Decrypt')
    .action((principal: string, options) =>
      answer(options, (q) => q.keysUsableBy(principal, { ...(options.asOf ? { asOf: options.asOf } : {}), ...(options.operation ? { operation: options.operation } : {}) }), (a) => [
        `${a.description} as of ${a.asOf.time}: ${a.keys.length} of ${a.keysConsidered} keys considered`,
        ...a.keys.flatMap((k) => [
          `  ${k.arn} (${k.keyState})`,
          ...k.operations.flatMap((o) => [
            `    ${o.outcome.padEnd(11)} ${o.operation.padEnd(16)} ${o.because.join(' + ')}${o.conditions.length === 0 ? '' : ` only when ${o.conditions.join(' and ')}`}`,
            ...o.citations.map((c) => `                cites ${cite(c)}`),
          ]),
        ]),
      ]),
    );

  jsonOption(withConfigOptions(query.command('usage').argument('<key>', 'key id or ARN')))
    .description('who did use the key between two instants (after, until], from the audit records')
    .option('--after <instant>', 'exclusive start', instant)
    .option('--until <instant>', 'inclusive end', instant)
    .option('--limit <n>', 'at most n records', count)
    .action((key: string, options) =>
      answer(options, (q) => q.whoDidUse(key, { ...(options.after ? { after: options.after } : {}), ...(options.until ? { until: options.until } : {}), ...(options.limit ? { limit: options.limit } : {}) }), (a) => [
        `${a.records.length} calls on key ${a.keyId}${a.truncated ? ' (truncated)' : ''}`,
        ...a.records.map(
          (r) =>
            `  ${r.time} ${r.operation.padEnd(16)} ${r.result.padEnd(22)} ${r.caller.arn ?? r.caller.invokedBy ?? '?'} from ${r.sourceIp ?? '?'}${r.encryptionContext ? ` ${JSON.stringify(r.encryptionContext)}` : ''}  [${r.citation.stream}@${r.citation.revision}]`,
        ),
      ]),
    );

  jsonOption(withConfigOptions(query.command('changes').argument('[key]', 'key id or ARN; default every key')))
    .description('what changed in access to a key (or every key) between two instants (after, until]')
    .requiredOption('--after <instant>', 'exclusive start', instant)
    .option('--until <instant>', 'inclusive end; default now', instant)
    .action((key: string | undefined, options) =>
      answer(options, (q) => q.accessChanges(key ?? null, { after: options.after, ...(options.until ? { until: options.until } : {}) }), (a) => [
        `Access changes after ${a.after.time} until ${a.until.time}`,
        ...a.keys.flatMap((k) => [
          `  ${k.arn ?? k.keyId}`,
          ...k.events.map((e) => `    ${e.citation.time} ${e.what}  [${e.citation.type} ${e.citation.stream}@${e.citation.revision}]`),
          ...grouped(k.differences.map((d) => [`    ${d.change.padEnd(7)} ${d.description}: ${standing(d.before)} -> ${standing(d.after)}`, d.operation])),
        ]),
      ]),
    );

  return query;
}

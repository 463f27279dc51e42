import { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import type { Container } from 'inversify';
import { SqliteKeySchedule } from '../../projections/key-schedule/sqlite-key-schedule.js';
import { ProjectionFailedError, type ProjectionRunner } from '../../projections/runner/projection-runner.js';
import { SqliteTemporalReadSide } from '../../projections/temporal/temporal-read-side.js';
import { EventStore, type GlobalPosition } from '../application/ports/event-store.js';
import { formatPosition } from '../application/ports/positions.js';
import { withConfigOptions } from './options.js';
import { UsageError, withContainer } from './with-container.js';

/** Every projection runner of this node's read-model database. */
function runnersOf(container: Container): ProjectionRunner[] {
  return [...container.get(SqliteTemporalReadSide).projectionRunners, ...container.get(SqliteKeySchedule).projectionRunners];
}

async function head(container: Container): Promise<{ position: GlobalPosition; created: Date } | null> {
  for await (const e of container.get<EventStore>(EventStore).readAll({ direction: 'backwards', maxCount: 1 })) return { position: e.position, created: e.created };
  return null;
}

/**
 * How far a read model is behind the log: from the append time of the event its checkpoint
 * stands at (covered, applied or passed over) to that of the head. Zero at the head; the
 * whole log's span for a projection that has covered nothing.
 */
async function lagMs(container: Container, position: GlobalPosition | null, top: { position: GlobalPosition; created: Date } | null): Promise<number> {
  if (top === null) return 0;
  const store = container.get<EventStore>(EventStore);
  for await (const e of store.readAll({ fromPosition: position ?? 'start', maxCount: 1 })) return Math.max(0, top.created.getTime() - e.created.getTime());
  return 0;
}

/** Waits for a runner to go live; a failure is reported by status(), not thrown. */
async function settle(runner: ProjectionRunner): Promise<void> {
  try {
    await runner.whenLive();
  } catch (e) {
    if (!(e instanceof ProjectionFailedError)) throw e;
  }
}

export function projectionsCommand(): Command {
  const projections = new Command('projections').description('the projections that feed the read models (run these while the server is stopped)');

  withConfigOptions(projections.command('status'))
    .description('catch every projection up from its checkpoint, then report its state, position and lag')
    .action((options) =>
      withContainer(options, async (container) => {
        const runners = runnersOf(container);
        for (const r of runners) r.start();
        await Promise.all(runners.map(settle));
        const top = await head(container);
        process.stdout.write(`log head: ${top ? `${formatPosition(top.position)} (${top.created.toISOString()})` : 'empty'}\n`);
        for (const r of runners) {
          const s = r.status();
          const lag = await lagMs(container, s.position, top);
          process.stdout.write(
            `${s.name.padEnd(22)} ${s.state.padEnd(10)} at ${s.position ? formatPosition(s.position) : 'start'}, lag ${lag} ms, ${s.eventsApplied} events applied now\n`,
          );
          if (s.failure) {
            process.stdout.write(`  FAILED at position ${formatPosition(s.failure.position)}: ${s.failure.type} ${s.failure.stream}@${s.failure.revision}: ${s.failure.reason}\n`);
            process.exitCode = 1;
          }
        }
      }),
    );

  withConfigOptions(projections.command('rebuild').argument('[name]', 'one projection; default all'))
    .description('drop a read model and replay every event into it, with a progress bar')
    .action((name: string | undefined, options) =>
      withContainer(options, async (container) => {
        const runners = runnersOf(container);
        const chosen = name === undefined ? runners : runners.filter((r) => r.projection.name === name);
        if (chosen.length === 0) throw new UsageError(`No projection named '${name}'. Projections: ${runners.map((r) => r.projection.name).join(', ')}`);
        const top = await head(container);
        const total = Number(top?.position.commit ?? 0n);
        for (const runner of chosen) {
          const bar = new SingleBar({ format: `${runner.projection.name.padEnd(22)} [{bar}] {percentage}% | position {value}/{total} | {eta_formatted} left`, hideCursor: true }, Presets.shades_classic);
          bar.start(Math.max(total, 1), 0);
          const started = performance.now();
          try {
            await runner.rebuild((p) => bar.update(Math.min(Number(p.commit), total)));
            bar.update(Math.max(total, 1));
          } catch (e) {
            bar.stop();
            if (!(e instanceof ProjectionFailedError)) throw e;
            const f = e.failure;
            process.stderr.write(`${runner.projection.name}: FAILED at position ${formatPosition(f.position)} (${f.type} ${f.stream}@${f.revision}): ${f.reason}\n`);
            process.exitCode = 1;
            continue;
          }
          bar.stop();
          const seconds = (performance.now() - started) / 1000;
          // The subscription hands a projection only the events it applies; the others are passed over.
          const { eventsApplied, position } = runner.status();
          process.stdout.write(`${runner.projection.name}: up to ${position === null ? 'start' : formatPosition(position)}, ${eventsApplied} events applied in ${seconds.toFixed(2)} s\n`);
        }
      }),
    );

  return projections;
}

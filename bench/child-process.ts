import { spawn, type ChildProcess } from 'node:child_process';

export interface Child {
  readonly process: ChildProcess;
  readonly pid: number;
  /** Everything the child printed to stdout so far. */
  output(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `node <args>` and waits until its stdout matches `ready` (or it exits, or time runs out). */
export async function startNode(args: readonly string[], ready: RegExp, timeoutMs = 30_000): Promise<{ child: Child; match: RegExpExecArray }> {
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout!.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  proc.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node ${args.join(' ')} printed nothing matching ${ready} in ${timeoutMs} ms:\n${stdout}${stderr}`)), timeoutMs);
    const check = () => {
      const found = ready.exec(stdout);
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    };
    proc.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`node ${args.join(' ')} exited with ${code} before it was ready:\n${stdout}${stderr}`));
    });
  });
  const child: Child = {
    process: proc,
    pid: proc.pid!,
    output: () => stdout,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      return exited;
    },
  };
  return { child, match };
}

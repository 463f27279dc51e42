/**
 * The load generator of the KMS benchmark: `concurrency` clients in one process, each
 * sending its next request as soon as the last was answered, over keep-alive HTTP.
 * Two ways to send the same signed request, to tell the server's limit from the client's:
 * the AWS SDK (what applications use) and a lean client that signs with the SDK's own
 * SigV4 signer and sends with undici.
 */
import { readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { DecryptCommand, EncryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { Pool } from 'undici';

/** `Encrypt by alias` is Encrypt naming the key by an alias: the alias is resolved on the read side in every call. */
export type BenchOperation = 'Encrypt' | 'Decrypt' | 'GenerateDataKey' | 'Encrypt by alias';

/** The KMS operation a benchmark operation calls. */
const kmsOperation = (operation: BenchOperation): string => (operation === 'Encrypt by alias' ? 'Encrypt' : operation);

export interface Target {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** The inputs each operation is sent with: one key, an alias of it, a 32-byte plaintext, a ciphertext of it. */
export interface Inputs {
  readonly keyId: string;
  readonly aliasName: string;
  readonly plaintext: Uint8Array;
  readonly ciphertext: Uint8Array;
}

export interface LoadClient {
  readonly name: string;
  send(operation: BenchOperation): Promise<void>;
  close(): void;
}

const ENCRYPTION_CONTEXT = { purpose: 'benchmark' };

export function sdkClient(target: Target, inputs: Inputs, maxSockets: number): LoadClient {
  const agent = new Agent({ keepAlive: true, maxSockets });
  const kms = new KMSClient({
    endpoint: target.endpoint,
    region: target.region,
    credentials: target.credentials,
    maxAttempts: 1,
    requestHandler: { httpAgent: agent },
  });
  const commands = {
    Encrypt: () => new EncryptCommand({ KeyId: inputs.keyId, Plaintext: inputs.plaintext, EncryptionContext: ENCRYPTION_CONTEXT }),
    Decrypt: () => new DecryptCommand({ CiphertextBlob: inputs.ciphertext, EncryptionContext: ENCRYPTION_CONTEXT }),
    GenerateDataKey: () => new GenerateDataKeyCommand({ KeyId: inputs.keyId, KeySpec: 'AES_256', EncryptionContext: ENCRYPTION_CONTEXT }),
    'Encrypt by alias': () => new EncryptCommand({ KeyId: inputs.aliasName, Plaintext: inputs.plaintext, EncryptionContext: ENCRYPTION_CONTEXT }),
  };
  return {
    name: 'AWS SDK v3 (@aws-sdk/client-kms)',
    send: async (operation) => {
      // The three commands have different output types; only success matters here.
      await kms.send(commands[operation]() as EncryptCommand);
    },
    close: () => {
      kms.destroy();
      agent.destroy();
    },
  };
}

/**
 * The SDK's own signer and undici's connection pool (keep-alive, one request at a time
 * per connection): the request is the same as the SDK sends, at a fraction of the SDK's
 * and node:http's client-side cost.
 */
export function signedHttpClient(target: Target, inputs: Inputs, connections: number): LoadClient {
  const url = new URL(target.endpoint);
  const pool = new Pool(url.origin, { connections, pipelining: 1 });
  const signer = new SignatureV4({ service: 'kms', region: target.region, credentials: target.credentials, sha256: Hash.bind(null, 'sha256'), uriEscapePath: true, applyChecksum: false });
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  const bodies: Record<BenchOperation, string> = {
    Encrypt: JSON.stringify({ KeyId: inputs.keyId, Plaintext: b64(inputs.plaintext), EncryptionContext: ENCRYPTION_CONTEXT }),
    Decrypt: JSON.stringify({ CiphertextBlob: b64(inputs.ciphertext), EncryptionContext: ENCRYPTION_CONTEXT }),
    GenerateDataKey: JSON.stringify({ KeyId: inputs.keyId, KeySpec: 'AES_256', EncryptionContext: ENCRYPTION_CONTEXT }),
    'Encrypt by alias': JSON.stringify({ KeyId: inputs.aliasName, Plaintext: b64(inputs.plaintext), EncryptionContext: ENCRYPTION_CONTEXT }),
  };
  return {
    name: 'SigV4 signer (@smithy/signature-v4) + undici',
    send: async (operation) => {
      const body = bodies[operation];
      const signed = await signer.sign(
        new HttpRequest({
          method: 'POST',
          protocol: url.protocol,
          hostname: url.hostname,
          port: Number(url.port),
          path: '/',
          headers: {
            host: url.host,
            'content-type': 'application/x-amz-json-1.1',
            'x-amz-target': `TrentService.${kmsOperation(operation)}`,
            'content-length': String(Buffer.byteLength(body)),
          },
          body,
        }),
      );
      const response = await pool.request({ method: 'POST', path: '/', headers: signed.headers, body });
      const text = await response.body.text();
      if (response.statusCode !== 200) throw new Error(`${operation}: HTTP ${response.statusCode} ${text.slice(0, 300)}`);
    },
    close: () => void pool.destroy(),
  };
}

export interface LoadResult {
  /** Requests answered with success inside the measured window, per second. */
  readonly rate: number;
  /** All requests answered with success, warm-up included. */
  readonly succeeded: number;
  /** CPU time of this (client) process in the window, in cores (1.0 = one core busy). */
  readonly clientCores: number;
  /** CPU time of the server process in the window, in cores. */
  readonly serverCores: number;
  /** CPU time of the server's main (JavaScript) thread in the window, in cores: the serial part. */
  readonly serverMainThreadCores: number;
}

/**
 * Runs `concurrency` closed-loop clients for warm-up + measured time. Any failed request
 * fails the run: a rate that includes errors would flatter the server.
 */
export async function runLoad(
  client: LoadClient,
  operation: BenchOperation,
  options: { readonly concurrency: number; readonly warmupMs: number; readonly measureMs: number; readonly serverPid: number },
): Promise<LoadResult> {
  const start = performance.now();
  const windowStart = start + options.warmupMs;
  const windowEnd = windowStart + options.measureMs;
  let inWindow = 0;
  let succeeded = 0;
  let clientCpuAtStart: NodeJS.CpuUsage | null = null;
  let serverCpuAtStart = 0;
  let mainThreadCpuAtStart = 0;
  const mainThreadStat = `/proc/${options.serverPid}/task/${options.serverPid}/stat`;
  const markWindowStart = setTimeout(() => {
    clientCpuAtStart = process.cpuUsage();
    serverCpuAtStart = processCpuSeconds(options.serverPid);
    mainThreadCpuAtStart = cpuSeconds(mainThreadStat);
  }, options.warmupMs);
  let clientCpu: NodeJS.CpuUsage = { user: 0, system: 0 };
  let serverCpu = 0;
  let mainThreadCpu = 0;
  const markWindowEnd = setTimeout(() => {
    clientCpu = process.cpuUsage(clientCpuAtStart ?? undefined);
    serverCpu = processCpuSeconds(options.serverPid) - serverCpuAtStart;
    mainThreadCpu = cpuSeconds(mainThreadStat) - mainThreadCpuAtStart;
  }, options.warmupMs + options.measureMs);
  try {
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (performance.now() < windowEnd) {
          await client.send(operation);
          succeeded++;
          const now = performance.now();
          if (now >= windowStart && now < windowEnd) inWindow++;
        }
      }),
    );
  } finally {
    clearTimeout(markWindowStart);
    clearTimeout(markWindowEnd);
  }
  const seconds = options.measureMs / 1000;
  return {
    rate: Math.round(inWindow / seconds),
    succeeded,
    clientCores: (clientCpu.user + clientCpu.system) / 1e6 / seconds,
    serverCores: serverCpu / seconds,
    serverMainThreadCores: mainThreadCpu / seconds,
  };
}

/** utime + stime of a process from /proc, in seconds (Linux clock ticks are 1/100 s). */
function processCpuSeconds(pid: number): number {
  return cpuSeconds(`/proc/${pid}/stat`);
}

/** utime + stime from a /proc stat file (a process's, or one thread's under task/), in seconds. */
function cpuSeconds(path: string): number {
  try {
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th overall.
    const stat = readFileSync(path, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

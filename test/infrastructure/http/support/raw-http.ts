import { request as httpRequest, type Agent } from 'node:http';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { ALICE_KEY } from './doubles.js';
import { REGION, SERVER_TIME } from './server-fixture.js';

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  /** The body as JSON, or null when it is not JSON. */
  readonly json: { __type?: string; message?: string; [member: string]: unknown } | null;
}

export interface RawRequest {
  readonly port: number;
  readonly method?: string;
  readonly path?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Uint8Array;
  /** Defaults to a fresh connection per request. */
  readonly agent?: Agent;
}

/** Sends exactly what it is given: no signing, no retries, no SDK conventions. */
export function sendRaw({ port, method = 'POST', path = '/', headers = {}, body, agent }: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent: agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: RawResponse['json'] = null;
        try {
          json = JSON.parse(text) as RawResponse['json'];
        } catch {
          json = null;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export interface SignOptions {
  readonly target?: string;
  readonly contentType?: string;
  readonly extraHeaders?: Record<string, string>;
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
  readonly signingDate?: Date;
  readonly method?: string;
  readonly path?: string;
  readonly agent?: Agent;
}

/** The headers of a request signed the way the SDKs and the CLI sign (host, date, target, content type). */
export async function signedHeaders(port: number, body: string | Uint8Array, options: SignOptions = {}): Promise<Record<string, string>> {
  const headers: Record<string, string> = { host: `127.0.0.1:${port}`, ...(options.extraHeaders ?? {}) };
  if (options.target !== undefined) headers['x-amz-target'] = options.target;
  headers['content-type'] = options.contentType ?? 'application/x-amz-json-1.1';
  const signer = new SignatureV4({
    service: 'kms',
    region: REGION,
    credentials: {
      accessKeyId: options.accessKeyId ?? ALICE_KEY.accessKeyId,
      secretAccessKey: options.secretAccessKey ?? ALICE_KEY.secretAccessKey,
    },
    sha256: Hash.bind(null, 'sha256'),
    applyChecksum: false,
  });
  const signed = await signer.sign(
    new HttpRequest({ method: options.method ?? 'POST', protocol: 'http:', hostname: '127.0.0.1', port, path: options.path ?? '/', headers, body }),
    { signingDate: options.signingDate ?? SERVER_TIME },
  );
  return signed.headers as Record<string, string>;
}

/** A correctly signed KMS call with any body: what a client that gets the payload wrong would send. */
export async function sendSigned(port: number, target: string, body: string | Uint8Array, options: SignOptions = {}): Promise<RawResponse> {
  const headers = await signedHeaders(port, body, { ...options, target });
  return sendRaw({ port, method: options.method ?? 'POST', path: options.path ?? '/', headers, body, ...(options.agent ? { agent: options.agent } : {}) });
}

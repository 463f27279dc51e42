/**
 * The KMS endpoint on node:http. It only moves bytes: reads the body (bounded), hands the
 * request to KmsRequestHandler and writes the answer. No framework: one route, one
 * method, and full control over body limits and headers is all this needs.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { inject, injectable, optional } from 'inversify';
import { AccessKeyDirectory } from '../../application/ports/access-key-directory.js';
import { Clock } from '../../application/ports/clock.js';
import { KmsOperations } from '../../application/ports/kms-operations.js';
import { KmsHttpSettings } from './kms-http-settings.js';
import { KmsRequestHandler, type WireRequest } from './kms-request-handler.js';
import { QUERY_API_PREFIX, QueryApiHandler } from './query-api/query-api-handler.js';
import { errorResponse, type WireResponse } from './wire-response.js';

class BodyTooLarge extends Error {
  /** drained: the whole body was read, so the connection can carry the next request. */
  constructor(readonly drained: boolean) {
    super('request body too large');
  }
}

/** How much of an oversized body is still read (and dropped) to answer it cleanly. */
const DRAIN_FACTOR = 8;

@injectable()
export class KmsHttpServer {
  private readonly handler: KmsRequestHandler;
  private server: Server | null = null;

  constructor(
    @inject(KmsOperations) operations: KmsOperations,
    @inject(AccessKeyDirectory) directory: AccessKeyDirectory,
    @inject(Clock) private readonly clock: Clock,
    @inject(KmsHttpSettings) private readonly settings: KmsHttpSettings,
    /** The time-travel queries under /_keytrail/, when the composition root binds them. */
    @inject(QueryApiHandler) @optional() private readonly queryApi?: QueryApiHandler,
  ) {
    this.handler = new KmsRequestHandler(operations, directory, clock, settings);
  }

  /** Starts serving; resolves with the bound port (useful with port 0). */
  async listen(port: number, host: string): Promise<number> {
    if (this.server) throw new Error('KmsHttpServer is already listening');
    const server = createServer((req, res) => void this.serve(req, res));
    // Bytes that are not HTTP at all get a bare 400, as node would send, and the connection ends.
    server.on('clientError', (_error, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      else socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Keep-alive connections of SDK clients would otherwise hold close() open.
    server.closeAllConnections();
    await closed;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The Date header comes from the injected clock (wire-response.ts), like every time this server states.
    res.sendDate = false;
    req.on('error', () => res.destroy());
    res.on('error', () => req.destroy());
    try {
      const body = await this.readBody(req);
      const [path = '/', search = ''] = splitTarget(req.url ?? '/');
      const request: WireRequest = {
        method: req.method ?? '',
        path,
        query: queryOf(search),
        headers: headersOf(req),
        body,
        sourceIp: sourceIpOf(req),
      };
      const queryApi = this.queryApi;
      const routed = queryApi !== undefined && path.startsWith(QUERY_API_PREFIX) ? queryApi.handle(request) : this.handler.handle(request);
      this.write(res, await routed);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        const limit = this.settings.maxBodyBytes;
        const response = errorResponse(randomUUID(), this.clock.now(), 'RequestEntityTooLargeException', `The request body exceeds the limit of ${limit} bytes`);
        // Unless the body was drained, its rest is still on the wire: this connection is done.
        this.write(res, response, !error.drained);
        return;
      }
      res.destroy();
    }
  }

  /**
   * Reads the body up to the limit. A larger body is still drained (up to DRAIN_FACTOR
   * times the limit) so the client reads a clean 413 instead of a reset connection; past
   * that the connection is given up.
   */
  private readBody(req: IncomingMessage): Promise<Uint8Array> {
    const limit = this.settings.maxBodyBytes;
    const drainCap = limit * DRAIN_FACTOR;
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > drainCap) return Promise.reject(new BodyTooLarge(false));
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let settled = false;
      const settle = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        outcome();
      };
      req.on('data', (chunk: Buffer) => {
        if (settled) return;
        size += chunk.length;
        if (size > drainCap) settle(() => reject(new BodyTooLarge(false)));
        else if (size <= limit) chunks.push(chunk);
      });
      req.once('end', () => settle(() => (size > limit ? reject(new BodyTooLarge(true)) : resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)))));
      req.once('error', (error) => settle(() => reject(error)));
      // A client that hangs up mid-body ends the request without 'end'.
      req.once('close', () => settle(() => reject(new Error('request closed before its body ended'))));
    });
  }

  private write(res: ServerResponse, response: WireResponse, closeConnection = false): void {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(response.status, closeConnection ? { ...response.headers, Connection: 'close' } : response.headers);
    res.end(response.body);
  }
}

function headersOf(req: IncomingMessage): Record<string, string> {
  // No prototype: a header named "constructor" or "__proto__" is just a header (with no
  // prototype there is no __proto__ accessor, so assigning one makes an own property).
  const headers = Object.create(null) as Record<string, string>;
  // SigV4 joins repeated headers with a bare comma; node's joined form would use ", ".
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return headers;
}

/** The request target as sent ("/" or "/?a=b"); no URL parsing, so odd targets cannot throw. */
function splitTarget(target: string): [string, string] {
  const question = target.indexOf('?');
  return question < 0 ? [target, ''] : [target.slice(0, question), target.slice(question + 1)];
}

const NO_QUERY: Record<string, string | string[]> = Object.freeze(Object.create(null) as Record<string, string | string[]>);

function queryOf(search: string): Record<string, string | string[]> {
  // AWS JSON requests carry no query string: no parser for the usual case.
  if (search === '') return NO_QUERY;
  const params = new URLSearchParams(search);
  // fromEntries defines own properties, so a "__proto__" parameter stays a parameter.
  return Object.fromEntries(
    [...new Set(params.keys())].map((key) => {
      const values = params.getAll(key);
      return [key, values.length === 1 ? values[0]! : values];
    }),
  );
}

function sourceIpOf(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}

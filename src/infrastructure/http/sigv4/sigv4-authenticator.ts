/**
 * Authenticates a request signed with AWS Signature Version 4 for service `kms`: the
 * access key is looked up in the AccessKeyDirectory, the request is signed again with its
 * secret by @smithy/signature-v4 (the SDK's own signer) for the same date, region and
 * signed headers, and the signatures are compared in constant time.
 * Every failure is the KmsError AWS would answer with.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { inject, injectable } from 'inversify';
import { AccessKeyDirectory, type AccessKeyRecord } from '../../../application/ports/access-key-directory.js';
import { Clock } from '../../../application/ports/clock.js';
import type { CallerIdentity } from '../../../domain/call-context.js';
import { KmsError } from '../../../domain/errors.js';
import { formatAmzDate, parseAmzDate } from './amz-date.js';
import { parseAuthorization, type ParsedAuthorization } from './authorization-header.js';
import { RequestSigner } from './request-signature.js';

export const SIGNING_SERVICE = 'kms';
/** How far the signing time may stray from the server's clock, either way. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

export const INVALID_SECURITY_TOKEN = 'The security token included in the request is invalid.';
export const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** A request as received; header names lower-case, repeated headers joined with commas. */
export interface SignedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string | string[]>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

export interface AuthenticatedCaller {
  readonly caller: CallerIdentity;
  readonly accessKeyId: string;
  /** From the credential scope: the region the caller addressed. */
  readonly region: string;
}

const REGION = /^[a-z0-9-]+$/;
const HEX_SHA256 = /^[0-9a-f]{64}$/;

/** Own headers only, so names such as "constructor" never resolve to inherited members. */
function headerOf(request: SignedRequest, name: string): string | undefined {
  return Object.hasOwn(request.headers, name) ? request.headers[name] : undefined;
}

function invalidSignature(message: string): KmsError {
  return new KmsError('InvalidSignatureException', message);
}

@injectable()
export class SigV4Authenticator {
  /** One signer per record object: a directory makes a new record whenever a key changes. */
  private readonly signers = new WeakMap<AccessKeyRecord, RequestSigner>();

  constructor(
    @inject(AccessKeyDirectory) private readonly directory: AccessKeyDirectory,
    @inject(Clock) private readonly clock: Clock,
  ) {}

  async authenticate(request: SignedRequest): Promise<AuthenticatedCaller> {
    const header = headerOf(request, 'authorization');
    if (header === undefined || header.trim() === '') {
      throw new KmsError('MissingAuthenticationTokenException', 'Request is missing Authentication Token');
    }
    const authorization = parseAuthorization(header);
    const signingDate = this.signingDate(request, authorization);
    this.checkScope(authorization, signingDate);
    for (const name of authorization.signedHeaders) {
      if (headerOf(request, name) === undefined) {
        throw new KmsError('IncompleteSignatureException', `'${name}' is named as a SignedHeader, but it does not exist in the HTTP request.`);
      }
    }
    // KeyTrail issues no temporary credentials, so no session token can be valid.
    if (headerOf(request, 'x-amz-security-token') !== undefined) {
      throw new KmsError('UnrecognizedClientException', INVALID_SECURITY_TOKEN);
    }
    this.checkSkew(signingDate);

    const { accessKeyId, region } = authorization.credential;
    const key = await this.directory.find(accessKeyId);
    if (!key || !key.active) throw new KmsError('UnrecognizedClientException', INVALID_SECURITY_TOKEN);

    this.checkPayloadHash(request);
    const expected = await this.expectedSignature(request, authorization, signingDate, key);
    if (!constantTimeEquals(expected, authorization.signature)) throw invalidSignature(SIGNATURE_MISMATCH);
    return { caller: { ...key.caller, accessKeyId }, accessKeyId, region };
  }

  private signingDate(request: SignedRequest, authorization: ParsedAuthorization): Date {
    const amzDate = headerOf(request, 'x-amz-date');
    if (amzDate === undefined) {
      throw new KmsError(
        'IncompleteSignatureException',
        `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ` +
          `Authorization=AWS4-HMAC-SHA256 Credential=${authorization.credential.accessKeyId}/...`,
      );
    }
    const date = parseAmzDate(amzDate.trim());
    if (!date) {
      throw new KmsError('IncompleteSignatureException', `X-Amz-Date must be in the ISO-8601 basic format YYYYMMDD'T'HHMMSS'Z'; got '${amzDate}'.`);
    }
    return date;
  }

  private checkScope({ credential }: ParsedAuthorization, signingDate: Date): void {
    if (credential.terminator !== 'aws4_request') {
      throw invalidSignature(`Credential should be scoped with a valid terminator: 'aws4_request', not '${credential.terminator}'.`);
    }
    if (credential.service !== SIGNING_SERVICE) {
      throw invalidSignature(`Credential should be scoped to correct service: '${SIGNING_SERVICE}'.`);
    }
    if (!REGION.test(credential.region)) {
      throw invalidSignature(`Credential should be scoped to a valid region, not '${credential.region}'.`);
    }
    const amzDate = formatAmzDate(signingDate);
    if (credential.date !== amzDate.slice(0, 8)) {
      throw invalidSignature(
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: ` +
          `'${credential.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
      );
    }
  }

  private checkSkew(signingDate: Date): void {
    const now = this.clock.now();
    const signed = formatAmzDate(signingDate);
    if (signingDate.getTime() < now.getTime() - MAX_CLOCK_SKEW_MS) {
      const earliest = formatAmzDate(new Date(now.getTime() - MAX_CLOCK_SKEW_MS));
      throw invalidSignature(`Signature expired: ${signed} is now earlier than ${earliest} (${formatAmzDate(now)} - 15 min.)`);
    }
    if (signingDate.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) {
      const latest = formatAmzDate(new Date(now.getTime() + MAX_CLOCK_SKEW_MS));
      throw invalidSignature(`Signature not yet current: ${signed} is still later than ${latest} (${formatAmzDate(now)} + 15 min.)`);
    }
  }

  /**
   * The signer trusts a signed x-amz-content-sha256 as the payload hash; unchecked, a
   * captured request could be replayed with another body. It must name this body.
   */
  private checkPayloadHash(request: SignedRequest): void {
    const declared = headerOf(request, 'x-amz-content-sha256');
    if (declared === undefined) return;
    const actual = createHash('sha256').update(request.body).digest('hex');
    if (!HEX_SHA256.test(declared) || !constantTimeEquals(actual, declared)) throw invalidSignature(SIGNATURE_MISMATCH);
  }

  private expectedSignature(request: SignedRequest, authorization: ParsedAuthorization, signingDate: Date, key: AccessKeyRecord): Promise<string> {
    const { accessKeyId, region } = authorization.credential;
    let signer = this.signers.get(key);
    if (signer === undefined) {
      // The secret is unwrapped only when the signer derives a signing key (once per day and Region), never kept.
      signer = new RequestSigner(() => ({ accessKeyId, secretAccessKey: key.secretAccessKey }), SIGNING_SERVICE);
      this.signers.set(key, signer);
    }
    const signedHeaderValues = new Map(authorization.signedHeaders.map((name) => [name, headerOf(request, name) ?? '']));
    return signer.signature({ method: request.method, path: request.path, query: request.query, signedHeaderValues, body: request.body }, signingDate, region);
  }
}

function constantTimeEquals(expected: string, provided: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(provided, 'utf8');
  // Compare equal-length buffers either way, so the time taken does not reveal the length.
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

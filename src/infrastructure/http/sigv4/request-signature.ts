/**
 * The SigV4 signature of a received request, computed the way @smithy/signature-v4 signs
 * (the SDK's own signer; a property test holds the two equal), with the derived signing
 * key cached per access key, date, region and service as the SDKs cache it: a request
 * then costs two SHA-256 hashes and one HMAC instead of a fresh key derivation and the
 * signer's request cloning.
 */
import { createHash, createHmac } from 'node:crypto';
import { SIGV4_ALGORITHM } from './authorization-header.js';

export interface RequestToVerify {
  readonly method: string;
  /** As received, before any decoding. */
  readonly path: string;
  readonly query: Readonly<Record<string, string | string[]>>;
  /** The values of the signed headers, by lower-case name. */
  readonly signedHeaderValues: ReadonlyMap<string, string>;
  readonly body: Uint8Array;
}

export interface SigningScope {
  readonly accessKeyId: string;
  /** Read only when the signing key is not cached (it may be revealed on demand). */
  readonly secretAccessKey: string;
  /** Changes whenever the secret does; when given, the cache is checked against it instead of a hash of the secret. */
  readonly secretVersion?: string;
  /** YYYYMMDD'T'HHMMSS'Z' */
  readonly longDate: string;
  readonly region: string;
  readonly service: string;
}

/** The signer regenerates these itself (x-amz-date from the signing date) whatever the request says. */
const GENERATED_HEADERS: ReadonlySet<string> = new Set(['authorization', 'x-amz-date', 'date']);
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const hex = (c: string) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`;
/** RFC 3986 escaping, as the signer does it: encodeURIComponent plus !'()*. */
function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, hex);
}

/** Segments normalised (empty and "." dropped, ".." pops), then escaped with slashes kept. */
function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment.length === 0 || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalized = `${path.startsWith('/') ? '/' : ''}${segments.join('/')}${segments.length > 0 && path.endsWith('/') ? '/' : ''}`;
  return escapeUri(normalized).replace(/%2F/g, '/');
}

function canonicalQuery(query: Readonly<Record<string, string | string[]>>): string {
  const serialized = new Map<string, string>();
  for (const key of Object.keys(query)) {
    if (key.toLowerCase() === 'x-amz-signature') continue;
    const encodedKey = escapeUri(key);
    const value = query[key];
    if (typeof value === 'string') serialized.set(encodedKey, `${encodedKey}=${escapeUri(value)}`);
    else if (Array.isArray(value)) serialized.set(encodedKey, value.map((v) => `${encodedKey}=${escapeUri(v)}`).sort().join('&'));
  }
  return [...serialized.keys()]
    .sort()
    .map((key) => serialized.get(key)!)
    .filter((part) => part.length > 0)
    .join('&');
}

/** Anything canonicalHeaderValue would change: line breaks, tabs, runs of spaces, edge spaces. */
const NEEDS_CANONICALIZING = /[\r\n\t]| {2}|^ | $/;

function canonicalHeaderValue(value: string): string {
  if (!NEEDS_CANONICALIZING.test(value)) return value;
  return value.replace(/[\r\n]/g, ' ').replace(/[ \t]+/g, ' ').replace(/^ | $/g, '');
}

export function canonicalRequest(request: RequestToVerify, longDate: string): string {
  const headers = new Map<string, string>();
  for (const [name, value] of request.signedHeaderValues) {
    if (!GENERATED_HEADERS.has(name)) headers.set(name, canonicalHeaderValue(value));
  }
  headers.set('x-amz-date', longDate);
  const names = [...headers.keys()].sort();
  const declaredHash = request.signedHeaderValues.get('x-amz-content-sha256');
  const payloadHash = declaredHash ?? (request.body.length === 0 ? EMPTY_SHA256 : createHash('sha256').update(request.body).digest('hex'));
  return [
    request.method,
    canonicalPath(request.path),
    canonicalQuery(request.query),
    names.map((name) => `${name}:${headers.get(name)}`).join('\n'),
    '',
    names.join(';'),
    payloadHash,
  ].join('\n');
}

interface CachedKey {
  /** The secret's version, or SHA-256 of the secret, the key was derived from: a changed secret misses the cache. */
  readonly secretCheck: string;
  readonly key: Buffer;
}

/** Derived signing keys, least recently used first out. */
export class SigningKeyCache {
  private readonly keys = new Map<string, CachedKey>();

  constructor(private readonly capacity = 1024) {}

  signingKey(scope: Omit<SigningScope, 'longDate'> & { readonly shortDate: string }): Buffer {
    const id = `${scope.accessKeyId}/${scope.shortDate}/${scope.region}/${scope.service}`;
    const secretCheck =
      scope.secretVersion !== undefined ? `version:${scope.secretVersion}` : `sha256:${createHash('sha256').update(scope.secretAccessKey, 'utf8').digest('hex')}`;
    const cached = this.keys.get(id);
    if (cached !== undefined && cached.secretCheck === secretCheck) {
      this.keys.delete(id);
      this.keys.set(id, cached);
      return cached.key;
    }
    let key: Buffer = Buffer.from(`AWS4${scope.secretAccessKey}`, 'utf8');
    for (const part of [scope.shortDate, scope.region, scope.service, 'aws4_request']) key = createHmac('sha256', key).update(part, 'utf8').digest();
    this.keys.delete(id);
    this.keys.set(id, { secretCheck, key });
    if (this.keys.size > this.capacity) this.keys.delete(this.keys.keys().next().value!);
    return key;
  }
}

/** The hex signature the holder of `scope.secretAccessKey` would have sent for this request. */
export function requestSignature(request: RequestToVerify, scope: SigningScope, keys: SigningKeyCache): string {
  const shortDate = scope.longDate.slice(0, 8);
  const credentialScope = `${shortDate}/${scope.region}/${scope.service}/aws4_request`;
  const hashedRequest = createHash('sha256').update(canonicalRequest(request, scope.longDate), 'utf8').digest('hex');
  const stringToSign = `${SIGV4_ALGORITHM}\n${scope.longDate}\n${credentialScope}\n${hashedRequest}`;
  // Not spread: the secret is read only if the signing key has to be derived.
  const keyScope = {
    accessKeyId: scope.accessKeyId,
    region: scope.region,
    service: scope.service,
    shortDate,
    ...(scope.secretVersion === undefined ? {} : { secretVersion: scope.secretVersion }),
    get secretAccessKey(): string {
      return scope.secretAccessKey;
    },
  };
  return createHmac('sha256', keys.signingKey(keyScope)).update(stringToSign, 'utf8').digest('hex');
}

/**
 * Parses a SigV4 Authorization header:
 *   AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/kms/aws4_request,
 *   SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=<64 hex>
 * Malformed headers fail with IncompleteSignatureException, worded like AWS's.
 */
import { KmsError } from '../../../domain/errors.js';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';

export interface CredentialScope {
  readonly accessKeyId: string;
  /** YYYYMMDD */
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly terminator: string;
}

export interface ParsedAuthorization {
  readonly credential: CredentialScope;
  /** Lower-case header names, in the order the client listed them. */
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

const REQUIRED_PARAMETERS = ['Credential', 'Signature', 'SignedHeaders'] as const;

function incomplete(message: string): KmsError {
  return new KmsError('IncompleteSignatureException', message);
}

export function parseAuthorization(header: string): ParsedAuthorization {
  const trimmed = header.trim();
  const space = trimmed.indexOf(' ');
  const algorithm = space < 0 ? trimmed : trimmed.slice(0, space);
  const rest = space < 0 ? '' : trimmed.slice(space + 1);
  const parameters = new Map<string, string>();
  if (algorithm === SIGV4_ALGORITHM) {
    for (const part of rest.split(',').map((p) => p.trim()).filter((p) => p.length > 0)) {
      const equals = part.indexOf('=');
      if (equals < 0) {
        throw incomplete(`'${part}' not a valid key=value pair (missing equal-sign) in Authorization header: '${trimmed}'.`);
      }
      parameters.set(part.slice(0, equals), part.slice(equals + 1));
    }
  } else if (algorithm.startsWith('AWS4-')) {
    throw incomplete(`Unsupported AWS 'algorithm': '${algorithm}'.`);
  }
  const missing = REQUIRED_PARAMETERS.filter((name) => !parameters.get(name));
  if (missing.length > 0) {
    const requirements = missing.map((name) => `Authorization header requires '${name}' parameter.`).join(' ');
    throw incomplete(`${requirements} Authorization=${trimmed}`);
  }
  return {
    credential: parseCredential(parameters.get('Credential')!),
    signedHeaders: parameters
      .get('SignedHeaders')!
      .split(';')
      .map((name) => name.trim().toLowerCase())
      .filter((name) => name.length > 0),
    signature: parameters.get('Signature')!,
  };
}

function parseCredential(credential: string): CredentialScope {
  const parts = credential.split('/');
  const [accessKeyId, date, region, service, terminator] = parts;
  if (parts.length !== 5 || !accessKeyId || !date || !region || !service || !terminator) {
    throw incomplete(
      `Credential '${credential}' is malformed; expected "<access key id>/<YYYYMMDD>/<region>/<service>/aws4_request".`,
    );
  }
  return { accessKeyId, date, region, service, terminator };
}

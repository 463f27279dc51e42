import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AccessKeyDirectory, AccessKeyRecord } from '../../../../src/application/ports/access-key-directory.js';
import type { CallerIdentity } from '../../../../src/domain/call-context.js';
import type { QueryApiHandler } from '../../../../src/infrastructure/http/query-api/query-api-handler.js';
import type { WireResponse } from '../../../../src/infrastructure/http/wire-response.js';
import { REGION } from '../../kms/support/kms-fixture.js';

export interface TestCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** The root user of the first account and a user of another: the callers the query-API tests sign as. */
export const ROOT_A_KEY: TestCredentials = { accessKeyId: 'AKIAROOTAEXAMPLE0001', secretAccessKey: 'root-a/secret/0123456789abcdefghijklmnop' };
export const BOB_KEY: TestCredentials = { accessKeyId: 'AKIABOBEXAMPLE000001', secretAccessKey: 'bob/secret/0123456789abcdefghijklmnopqrs' };

/** A directory that knows only those two access keys, for the given callers. */
export function signingDirectory(rootA: Omit<CallerIdentity, 'accessKeyId'>, bob: Omit<CallerIdentity, 'accessKeyId'>): AccessKeyDirectory {
  const keys = new Map<string, AccessKeyRecord>([
    [ROOT_A_KEY.accessKeyId, { secretAccessKey: ROOT_A_KEY.secretAccessKey, active: true, caller: { ...rootA, accessKeyId: ROOT_A_KEY.accessKeyId } as CallerIdentity }],
    [BOB_KEY.accessKeyId, { secretAccessKey: BOB_KEY.secretAccessKey, active: true, caller: { ...bob, accessKeyId: BOB_KEY.accessKeyId } as CallerIdentity }],
  ]);
  return { find: async (id) => keys.get(id) ?? null };
}

/** A GET under /_keytrail/ signed with SigV4 for service kms, as curl --aws-sigv4 or an SDK signer sends it. */
export async function signedGet(
  api: QueryApiHandler,
  path: string,
  query: Record<string, string | string[]>,
  credentials: TestCredentials,
  signingDate: Date,
): Promise<WireResponse> {
  const signer = new SignatureV4({ service: 'kms', region: REGION, credentials, sha256: Hash.bind(null, 'sha256') });
  const request = new HttpRequest({ method: 'GET', protocol: 'http:', hostname: 'localhost', port: 4000, path, query, headers: { host: 'localhost:4000' } });
  const signed = await signer.sign(request, { signingDate });
  return api.handle({ method: 'GET', path, query, headers: signed.headers as Record<string, string>, body: new Uint8Array(), sourceIp: '127.0.0.1' });
}

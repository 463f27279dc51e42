import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessKeyDirectory, AccessKeyRecord } from '../../../src/application/ports/access-key-directory.js';
import type { CallerIdentity } from '../../../src/domain/call-context.js';
import { QueryApiHandler } from '../../../src/infrastructure/http/query-api/query-api-handler.js';
import { REGION } from '../kms/support/kms-fixture.js';
import { at, BOB, CAROL, ROOT_A, scriptedHistory, type ScriptedHistory } from './support/scripted-history.js';

const ROOT_A_KEY = { accessKeyId: 'AKIAROOTAEXAMPLE0001', secretAccessKey: 'root-a/secret/0123456789abcdefghijklmnop' };
const BOB_KEY = { accessKeyId: 'AKIABOBEXAMPLE000001', secretAccessKey: 'bob/secret/0123456789abcdefghijklmnopqrs' };

function directory(): AccessKeyDirectory {
  const keys = new Map<string, AccessKeyRecord>([
    [ROOT_A_KEY.accessKeyId, { secretAccessKey: ROOT_A_KEY.secretAccessKey, active: true, caller: { ...ROOT_A, accessKeyId: ROOT_A_KEY.accessKeyId } as CallerIdentity }],
    [BOB_KEY.accessKeyId, { secretAccessKey: BOB_KEY.secretAccessKey, active: true, caller: { ...BOB, accessKeyId: BOB_KEY.accessKeyId } as CallerIdentity }],
  ]);
  return { find: async (id) => keys.get(id) ?? null };
}

let h: ScriptedHistory;
let api: QueryApiHandler;
beforeAll(async () => {
  h = await scriptedHistory();
  api = new QueryApiHandler(h.queries, directory(), { now: () => new Date(h.kms.time) });
});
afterAll(async () => {
  await h.close();
});

/** A GET under /_keytrail/ signed with SigV4 for service kms, as curl --aws-sigv4 or an SDK signer sends it. */
async function get(path: string, query: Record<string, string | string[]>, credentials = ROOT_A_KEY) {
  const signer = new SignatureV4({ service: 'kms', region: REGION, credentials, sha256: Hash.bind(null, 'sha256') });
  const request = new HttpRequest({ method: 'GET', protocol: 'http:', hostname: 'localhost', port: 4000, path, query, headers: { host: 'localhost:4000' } });
  const signed = await signer.sign(request, { signingDate: new Date(h.kms.time) });
  const response = await api.handle({ method: 'GET', path, query, headers: signed.headers as Record<string, string>, body: new Uint8Array(), sourceIp: '127.0.0.1' });
  return { status: response.status, body: JSON.parse(response.body) as Record<string, unknown> };
}

describe('the query API under /_keytrail/', () => {
  it('answers a signed question with the same answer as the service, in JSON', async () => {
    const { status, body } = await get('/_keytrail/who-can-use', { key: h.k1.keyId, operation: 'Decrypt', asOf: at(45) });
    expect(status).toBe(200);
    const direct = await h.queries.whoCouldUse(h.k1.keyId, { operation: 'Decrypt', asOf: { time: at(45) } });
    expect(body).toEqual(JSON.parse(JSON.stringify(direct)));
  });

  it('decides for a concrete encryption context given in the query string', async () => {
    const { body } = await get('/_keytrail/who-can-use', { key: h.k1.keyId, operation: 'Decrypt', asOf: at(45), encryptionContext: ['Department=Finance'] });
    const carol = (body['entries'] as { principal: string; outcome: string }[]).find((e) => e.principal === CAROL.arn);
    expect(carol?.outcome).toBe('Allow');
  });

  it('refuses an unsigned request, a caller of another account, and a bad instant', async () => {
    const unsigned = await api.handle({ method: 'GET', path: '/_keytrail/key', query: { key: h.k1.keyId }, headers: {}, body: new Uint8Array(), sourceIp: '127.0.0.1' });
    expect([unsigned.status, JSON.parse(unsigned.body).__type]).toEqual([400, 'MissingAuthenticationTokenException']);
    const foreign = await get('/_keytrail/key', { key: h.k1.keyId }, BOB_KEY);
    expect(foreign.body['__type']).toBe('AccessDeniedException');
    const bad = await get('/_keytrail/key', { key: h.k1.keyId, asOf: 'last tuesday' });
    expect(bad.body['__type']).toBe('ValidationException');
  });

  it('serves every question by name', async () => {
    for (const [path, query] of [
      ['/_keytrail/key', { key: h.k1.keyId, asOf: '30' }],
      ['/_keytrail/when-could-use', { key: h.k1.keyId, principal: CAROL.arn }],
      ['/_keytrail/keys-usable-by', { principal: CAROL.arn, asOf: at(45) }],
      ['/_keytrail/who-used', { key: h.k1.keyId, after: at(90), until: at(100) }],
      ['/_keytrail/access-changes', { after: at(35), until: at(85) }],
    ] as const) {
      expect([path, (await get(path, query)).status]).toEqual([path, 200]);
    }
    expect((await get('/_keytrail/nothing', {})).body['__type']).toBe('UnknownOperationException');
  });
});

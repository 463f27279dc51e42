import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryApiHandler } from '../../../src/infrastructure/http/query-api/query-api-handler.js';
import { BOB_KEY, ROOT_A_KEY, signedGet, signingDirectory } from './support/signed-query.js';
import { ACCOUNT_B, ROOT_B } from '../kms/support/kms-fixture.js';
import { at, BOB, CAROL, ROOT_A, scriptedHistory, type ScriptedHistory } from './support/scripted-history.js';

let h: ScriptedHistory;
let api: QueryApiHandler;
beforeAll(async () => {
  h = await scriptedHistory();
  api = new QueryApiHandler(h.queries, signingDirectory(ROOT_A, BOB), { now: () => new Date(h.kms.time) });
});
afterAll(async () => {
  await h.close();
});

async function get(path: string, query: Record<string, string | string[]>, credentials = ROOT_A_KEY) {
  const response = await signedGet(api, path, query, credentials, new Date(h.kms.time));
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

  // Last: it adds a key of another account to the history.
  it('answers which keys a service principal could use from the caller\'s own account\'s keys only', async () => {
    const statements = [
      { Sid: 'Root', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT_B}:root` }, Action: 'kms:*', Resource: '*' },
      { Sid: 'Logs', Effect: 'Allow', Principal: { Service: 'logs.amazonaws.com' }, Action: 'kms:Encrypt', Resource: '*' },
    ];
    const foreign = await h.kms.createKey(ROOT_B, { Policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }) });
    // The service itself sees the other account's key (it is named in its policy) ...
    expect((await h.queries.keysUsableBy('logs.amazonaws.com')).keys.map((k) => k.keyId)).toContain(foreign.keyId);
    // ... a caller of account A asking over HTTP does not, nor learns how many there are.
    const { status, body } = await get('/_keytrail/keys-usable-by', { principal: 'logs.amazonaws.com' });
    expect(status).toBe(200);
    expect(body['keys']).toEqual([]);
    expect(body['keysConsidered']).toBe(0);
  });
});

import type { ConcreteRequest } from '../../../application/audit/access-at.js';
import { parseAsOf } from '../../../application/audit/instant.js';
import type { AsOf } from '../../../application/audit/temporal-read-models.js';
import type { TimeTravelQueries } from '../../../application/audit/time-travel-queries.js';
import { KmsError } from '../../../domain/errors.js';

export type Query = Readonly<Record<string, string | string[]>>;

/** One question of the query API: what it needs from the query string, and the answer. */
export interface QueryRoute {
  /** Which query parameter names a key or a principal, for the caller's account check. */
  readonly key?: string;
  readonly principal?: string;
  run(queries: TimeTravelQueries, query: Query, callerAccount: string): Promise<unknown>;
}

function one(query: Query, name: string): string | undefined {
  const value = query[name];
  return Array.isArray(value) ? value[value.length - 1] : value;
}

export function required(query: Query, name: string): string {
  const value = one(query, name);
  if (value === undefined || value === '') throw new KmsError('ValidationException', `The query parameter '${name}' is required`);
  return value;
}

function instant(query: Query, name: string): AsOf | undefined {
  const value = one(query, name);
  if (value === undefined) return undefined;
  try {
    return parseAsOf(value);
  } catch (e) {
    throw new KmsError('ValidationException', `${name}: ${(e as Error).message}`);
  }
}

/** `encryptionContext=Department=Finance`, repeated: the concrete request, when any part of it is given. */
function concreteRequest(query: Query): ConcreteRequest | undefined {
  const pairs = query['encryptionContext'];
  const list = pairs === undefined ? [] : Array.isArray(pairs) ? pairs : [pairs];
  const sourceIp = one(query, 'sourceIp');
  if (list.length === 0 && sourceIp === undefined) return undefined;
  const encryptionContext: Record<string, string> = {};
  for (const pair of list) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new KmsError('ValidationException', `encryptionContext: expected key=value, got '${pair}'`);
    Object.defineProperty(encryptionContext, pair.slice(0, eq), { value: pair.slice(eq + 1), enumerable: true });
  }
  return { encryptionContext, ...(sourceIp === undefined ? {} : { sourceIp }) };
}

function limit(query: Query): number | undefined {
  const text = one(query, 'limit');
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new KmsError('ValidationException', 'limit: a whole number of at least 1');
  return n;
}

const withOperation = (query: Query) => {
  const operation = one(query, 'operation');
  return operation === undefined ? {} : { operation };
};

const withAsOf = (query: Query) => {
  const asOf = instant(query, 'asOf');
  return asOf === undefined ? {} : { asOf };
};

/** GET /_keytrail/<name>?...: the time-travel questions by name. */
export const QUERY_ROUTES: Readonly<Record<string, QueryRoute>> = {
  key: { key: 'key', run: (q, query) => q.keyAsOf(required(query, 'key'), withAsOf(query)) },
  'who-can-use': {
    key: 'key',
    run: (q, query) => {
      const request = concreteRequest(query);
      return q.whoCouldUse(required(query, 'key'), { ...withAsOf(query), ...withOperation(query), ...(request === undefined ? {} : { request }) });
    },
  },
  'when-could-use': { key: 'key', principal: 'principal', run: (q, query) => q.whenCouldUse(required(query, 'principal'), required(query, 'key'), withOperation(query)) },
  'keys-usable-by': {
    principal: 'principal',
    // A service principal or "*" is named in policies of any account: only the caller's own keys are looked at.
    run: (q, query, callerAccount) => q.keysUsableBy(required(query, 'principal'), { ...withAsOf(query), ...withOperation(query), ownerAccount: callerAccount }),
  },
  'who-used': {
    key: 'key',
    run: (q, query) => {
      const after = instant(query, 'after');
      const until = instant(query, 'until');
      const n = limit(query);
      return q.whoDidUse(required(query, 'key'), { ...(after ? { after } : {}), ...(until ? { until } : {}), ...(n ? { limit: n } : {}) });
    },
  },
  'access-changes': {
    key: 'key',
    run: async (q, query, callerAccount) => {
      const after = instant(query, 'after');
      if (after === undefined) throw new KmsError('ValidationException', "The query parameter 'after' is required");
      const until = instant(query, 'until');
      const key = one(query, 'key') ?? null;
      const answer = await q.accessChanges(key, { after, ...(until ? { until } : {}) });
      // Across every key: only the caller's own account's keys.
      return key !== null ? answer : { ...answer, keys: answer.keys.filter((k) => k.arn === null || k.arn.split(':')[4] === callerAccount) };
    },
  },
};

import type { CallerIdentity } from '../../domain/call-context.js';
import type { JsonValue } from '../ports/event-store.js';
import { secondsOfIsoUtc } from './aws-time.js';
import { CLOUDTRAIL_EVENT_VERSION, KMS_EVENT_SOURCE } from './cloudtrail-record.js';
import { JsonMembers } from './json-members.js';
import { userIdentityOf } from './user-identity.js';

const q = JSON.stringify;
const HEAD = `{"eventVersion":${q(CLOUDTRAIL_EVENT_VERSION)},"userIdentity":`;
const SOURCE = `,"eventSource":${q(KMS_EVENT_SOURCE)},"eventName":`;
const TAIL = ',"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":';
const ALGORITHM = '"encryptionAlgorithm":"SYMMETRIC_DEFAULT"';
/** Enough for every caller and key of a busy installation; past it, nothing more is kept. */
const REMEMBERED = 4096;

interface Identity {
  readonly json: string;
  readonly accountJson: string;
  readonly account: string;
}

interface Resources {
  readonly json: string;
  /** The first key's ARN as JSON, which a successful Decrypt logs as its keyId. */
  readonly firstArnJson: string | null;
}

/**
 * A call record's CloudTrail JSON made straight from the stored JSON text of the event,
 * the same bytes buildCloudTrailRecord and RecordJson give from the parsed event (a
 * property test holds the two together). A record is mostly values copied from the call
 * record: request parameters, ids, the caller, the key. Text JSON.stringify wrote reads
 * back to the same text, so those values are cut out of the stored text rather than parsed
 * and written again; callers and key lists, which repeat, are parsed once and remembered.
 *
 * Only the usual shape is taken this way: an API call recorded with its fields in their
 * types. Anything else (a service event, a failed change, a damaged record) answers
 * false, and the caller builds that record from the parsed event as always.
 */
const METADATA = ['eventType', 'time', 'region', 'operation', 'sourceIp', 'userAgent', 'requestId', 'eventId', 'caller'] as const;
const DATA = ['readOnly', 'errorCode', 'errorMessage', 'requestParameters', 'responseElements', 'resources'] as const;
const REQUEST = ['encryptionAlgorithm', 'keyId'] as const;
const slots = <T extends readonly string[]>(names: T) => Object.fromEntries(names.map((n, i) => [n, i])) as { readonly [K in T[number]]: number };
const M = slots(METADATA);
const D = slots(DATA);
const R = slots(REQUEST);

export class CallRecordText {
  private readonly metadata = new JsonMembers(METADATA);
  private readonly data = new JsonMembers(DATA);
  private readonly request = new JsonMembers(REQUEST);
  private readonly identities = new Map<string, Identity | null>();
  private readonly resourceLists = new Map<string, Resources | null>();
  /** The caller of the record before: a run of calls by one caller skips hashing its text. */
  private lastCaller = '';
  private lastIdentity: Identity | null = null;

  /** After a successful render: the record's JSON, eventTime, and where it is delivered. */
  json = '';
  timeMs = 0;
  account = '';
  region = '';

  render(dataText: string, metadataText: string): boolean {
    const m = this.metadata;
    const d = this.data;
    if (!m.scan(metadataText) || !m.is(M.eventType, '"AwsApiCall"')) return false;
    if (!m.has(M.caller) || !m.isString(M.sourceIp) || !m.isString(M.userAgent) || !m.isString(M.requestId) || !m.isString(M.eventId)) return false;
    const time = m.plainString(M.time);
    const region = m.plainString(M.region);
    const operation = m.plainString(M.operation);
    const eventTime = time === null ? null : secondsOfIsoUtc(time);
    if (time === null || eventTime === null || region === null || operation === null) return false;
    const identity = this.identity(m.value(M.caller));
    if (identity === null || !d.scan(dataText)) return false;

    const readOnly = d.is(D.readOnly, 'true');
    const error = this.error();
    if (error === undefined) return false;
    // A change that did not fail logs the key's ARN in its response: the parsed path does that.
    if (!readOnly && error === null) return false;
    const resources = this.resources(d.has(D.resources) ? d.value(D.resources) : '[]');
    if (resources === null) return false;
    const requestParameters = this.requestParameters(operation, error === null, resources);
    if (requestParameters === null) return false;
    let responseElements = 'null';
    if (error === null && d.has(D.responseElements)) {
      responseElements = d.value(D.responseElements);
      if (responseElements !== 'null' && !responseElements.startsWith('{')) return false;
    }

    let s = `${HEAD}${identity.json},"eventTime":"${eventTime}"${SOURCE}${m.value(M.operation)},"awsRegion":${m.value(M.region)}`;
    s += `,"sourceIPAddress":${m.value(M.sourceIp)},"userAgent":${m.value(M.userAgent)}`;
    if (error !== null) s += error;
    s += `,"requestParameters":${requestParameters},"responseElements":${responseElements},"requestID":${m.value(M.requestId)},"eventID":${m.value(M.eventId)}`;
    s += `,"readOnly":${readOnly},"resources":${resources.json}${TAIL}${identity.accountJson},"eventCategory":"Management"}`;
    this.json = s;
    this.timeMs = Date.parse(time);
    this.account = identity.account;
    this.region = region;
    return true;
  }

  /** The record's errorCode and errorMessage members; null for a call that succeeded, undefined for an unusual shape. */
  private error(): string | null | undefined {
    const d = this.data;
    if (!d.has(D.errorCode) || d.is(D.errorCode, 'null')) return null;
    if (!d.isString(D.errorCode)) return undefined;
    const message = !d.has(D.errorMessage) || d.is(D.errorMessage, 'null') ? '""' : d.value(D.errorMessage);
    if (!message.startsWith('"')) return undefined;
    return `,"errorCode":${d.value(D.errorCode)},"errorMessage":${message}`;
  }

  /**
   * Encrypt and Decrypt always log the algorithm, and a successful Decrypt the key it
   * used; the members are added after the caller's, as the parsed path's spread does.
   */
  private requestParameters(operation: string, succeeded: boolean, resources: Resources): string | null {
    const d = this.data;
    const text = d.has(D.requestParameters) ? d.value(D.requestParameters) : 'null';
    const isObject = text.startsWith('{');
    if (!isObject && text !== 'null') return null;
    if (operation !== 'Encrypt' && operation !== 'Decrypt') return text;
    const wantsKeyId = operation === 'Decrypt' && succeeded && resources.firstArnJson !== null;
    // A member's name missing from the text is missing from the top level too: most texts need no scan.
    const r = this.request;
    const scanned = isObject && (text.includes('"encryptionAlgorithm":') || (wantsKeyId && text.includes('"keyId":')));
    if (scanned && !r.scan(text)) return null;
    const added: string[] = [];
    if (!scanned || !r.has(R.encryptionAlgorithm)) added.push(ALGORITHM);
    if (wantsKeyId && (!scanned || !r.has(R.keyId))) added.push(`"keyId":${resources.firstArnJson}`);
    if (added.length === 0) return text;
    const members = added.join(',');
    if (!isObject || text === '{}') return `{${members}}`;
    return `${text.slice(0, -1)},${members}}`;
  }

  /** userIdentity and recipientAccountId for a caller's JSON, remembered. */
  private identity(text: string): Identity | null {
    if (text === this.lastCaller) return this.lastIdentity;
    let identity = this.identities.get(text);
    if (identity === undefined) {
      identity = identityOf(JSON.parse(text) as JsonValue);
      if (this.identities.size < REMEMBERED) this.identities.set(text, identity);
    }
    this.lastCaller = text;
    this.lastIdentity = identity;
    return identity;
  }

  /** The resources a record lists, for a call record's list, remembered. */
  private resources(text: string): Resources | null {
    const one = oneKey(text);
    if (one !== null) return one;
    let resources = this.resourceLists.get(text);
    if (resources === undefined) {
      resources = resourcesOf(JSON.parse(text) as JsonValue);
      if (this.resourceLists.size < REMEMBERED) this.resourceLists.set(text, resources);
    }
    return resources;
  }
}

const ONE_KEY_START = '[{"accountId":"';
const ONE_KEY_MIDDLE = '","type":"AWS::KMS::Key","ARN":"';
const ONE_KEY_END = '"}]';

/**
 * The list a call on one key records, exactly as a record lists it: recognised by its
 * text, which with no quote or backslash inside its two values can hold nothing else.
 */
function oneKey(text: string): Resources | null {
  if (!text.startsWith(ONE_KEY_START) || !text.endsWith(ONE_KEY_END) || text.includes('\\')) return null;
  const middle = text.indexOf(ONE_KEY_MIDDLE, ONE_KEY_START.length);
  if (middle < 0) return null;
  const arnStart = middle + ONE_KEY_MIDDLE.length;
  const arnEnd = text.length - ONE_KEY_END.length;
  if (arnEnd < arnStart || text.indexOf('"', ONE_KEY_START.length) !== middle || text.indexOf('"', arnStart) !== arnEnd) return null;
  return { json: text, firstArnJson: text.slice(arnStart - 1, arnEnd + 1) };
}

function identityOf(caller: JsonValue): Identity | null {
  if (typeof caller !== 'object' || caller === null || Array.isArray(caller)) return null;
  const account = caller['accountId'];
  if (typeof account !== 'string') return null;
  const identity = userIdentityOf(caller as unknown as CallerIdentity, 'AwsApiCall');
  // userIdentityOf knows the caller types KeyTrail writes; any other is left to the parsed path.
  if (typeof identity !== 'object' || identity === null) return null;
  return { json: q(identity), accountJson: q(account), account };
}

function resourcesOf(list: JsonValue): Resources | null {
  if (!Array.isArray(list)) return null;
  const named: Array<{ accountId: string; type: 'AWS::KMS::Key'; ARN: string }> = [];
  for (const r of list) {
    if (typeof r !== 'object' || r === null || Array.isArray(r)) continue;
    const arn = r['ARN'];
    const accountId = r['accountId'];
    if (typeof arn === 'string' && typeof accountId === 'string') named.push({ accountId, type: 'AWS::KMS::Key', ARN: arn });
  }
  return { json: q(named), firstArnJson: named[0] === undefined ? null : q(named[0].ARN) };
}

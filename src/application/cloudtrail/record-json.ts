import type { CloudTrailRecord, CloudTrailResource, CloudTrailUserIdentity } from './cloudtrail-record.js';

/**
 * A record's JSON text, exactly as JSON.stringify writes it, for records made by
 * buildCloudTrailRecord (fields in AWS's order). An export serialises a million records
 * in which the caller, the user agent, the key and the Region repeat over and over:
 * those parts are written once and reused, and JSON.stringify runs over the rest only.
 * Whatever is not known to repeat goes through JSON.stringify as it is.
 */
export class RecordJson {
  private readonly identities = new Map<string, string>();
  private readonly strings = new Map<string, string>();
  private readonly resources = new Map<string, string>();

  stringify(r: CloudTrailRecord): string {
    if (!complete(r)) return q(r);
    let s = `{"eventVersion":${this.str(r.eventVersion)},"userIdentity":${this.identity(r.userIdentity)},"eventTime":${q(r.eventTime)}`;
    s += `,"eventSource":${this.str(r.eventSource)},"eventName":${this.str(r.eventName)},"awsRegion":${this.str(r.awsRegion)}`;
    s += `,"sourceIPAddress":${this.str(r.sourceIPAddress)},"userAgent":${this.str(r.userAgent)}`;
    if (r.errorCode !== undefined) s += `,"errorCode":${q(r.errorCode)}`;
    if (r.errorMessage !== undefined) s += `,"errorMessage":${q(r.errorMessage)}`;
    s += `,"requestParameters":${q(r.requestParameters)},"responseElements":${q(r.responseElements)}`;
    if (r.additionalEventData !== undefined) s += `,"additionalEventData":${q(r.additionalEventData)}`;
    if (r.requestID !== undefined) s += `,"requestID":${q(r.requestID)}`;
    s += `,"eventID":${q(r.eventID)},"readOnly":${q(r.readOnly)},"resources":${this.resourceList(r.resources)},"eventType":${this.str(r.eventType)}`;
    s += `,"managementEvent":${q(r.managementEvent)},"recipientAccountId":${this.str(r.recipientAccountId)}`;
    if (r.serviceEventDetails !== undefined) s += `,"serviceEventDetails":${q(r.serviceEventDetails)}`;
    s += `,"eventCategory":${this.str(r.eventCategory)}`;
    if (r.tlsDetails !== undefined) s += `,"tlsDetails":${q(r.tlsDetails)}`;
    return `${s}}`;
  }

  /** Plain identities (no session, no service) are a handful of strings in a fixed order. */
  private identity(u: CloudTrailUserIdentity): string {
    if (u.sessionContext !== undefined || u.invokedBy !== undefined) return q(u);
    const key = `${k(u.type)}\u0000${k(u.principalId)}\u0000${k(u.arn)}\u0000${k(u.accountId)}\u0000${k(u.accessKeyId)}\u0000${k(u.userName)}`;
    return remembered(this.identities, key, u);
  }

  private str(value: string): string {
    return remembered(this.strings, value, value);
  }

  /** One key named by its ARN, the usual case, is kept; anything else is written as it is. */
  private resourceList(list: readonly CloudTrailResource[]): string {
    const only = list.length === 1 ? list[0]! : undefined;
    if (only === undefined || Object.keys(only).length !== 3) return q(list);
    return remembered(this.resources, `${only.accountId}\u0000${only.type}\u0000${only.ARN}`, [{ accountId: only.accountId, type: only.type, ARN: only.ARN }]);
  }
}

const q = JSON.stringify;

/** Undefined, told apart from any string in a cache key. */
function k(value: string | undefined): string {
  return value === undefined ? '\u0001' : value;
}

/**
 * Every field a record always has is there with its type: otherwise (a damaged call
 * context) JSON.stringify's own rules for missing values decide, by using it.
 */
function complete(r: CloudTrailRecord): boolean {
  return (
    typeof r.eventVersion === 'string' &&
    typeof r.userIdentity === 'object' &&
    r.userIdentity !== null &&
    typeof r.eventTime === 'string' &&
    typeof r.eventSource === 'string' &&
    typeof r.eventName === 'string' &&
    typeof r.awsRegion === 'string' &&
    typeof r.sourceIPAddress === 'string' &&
    typeof r.userAgent === 'string' &&
    r.requestParameters !== undefined &&
    r.responseElements !== undefined &&
    typeof r.eventID === 'string' &&
    typeof r.readOnly === 'boolean' &&
    Array.isArray(r.resources) &&
    typeof r.eventType === 'string' &&
    typeof r.managementEvent === 'boolean' &&
    typeof r.recipientAccountId === 'string' &&
    typeof r.eventCategory === 'string'
  );
}
/** Enough for every caller, key and agent of a busy installation; past it, nothing more is kept. */
const REMEMBERED = 4096;

function remembered(cache: Map<string, string>, key: string, value: unknown): string {
  let text = cache.get(key);
  if (text === undefined) {
    text = q(value);
    if (cache.size < REMEMBERED) cache.set(key, text);
  }
  return text;
}

import type { JsonObject, JsonValue } from '../ports/event-store.js';

/**
 * One CloudTrail record as AWS delivers it for kms.amazonaws.com, fields in AWS's order.
 * Absent optional fields are left out rather than written as null, as CloudTrail does.
 */
export const CLOUDTRAIL_EVENT_VERSION = '1.11';
export const KMS_EVENT_SOURCE = 'kms.amazonaws.com';

export interface CloudTrailUserIdentity {
  readonly type?: string;
  readonly principalId?: string;
  readonly arn?: string;
  readonly accountId: string;
  readonly accessKeyId?: string;
  readonly userName?: string;
  readonly sessionContext?: JsonObject;
  readonly invokedBy?: string;
}

export interface CloudTrailResource {
  readonly accountId: string;
  readonly type: 'AWS::KMS::Key';
  readonly ARN: string;
}

export interface CloudTrailRecord {
  readonly eventVersion: string;
  readonly userIdentity: CloudTrailUserIdentity;
  readonly eventTime: string;
  readonly eventSource: string;
  readonly eventName: string;
  readonly awsRegion: string;
  readonly sourceIPAddress: string;
  readonly userAgent: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly requestParameters: JsonObject | null;
  readonly responseElements: JsonObject | null;
  readonly additionalEventData?: JsonObject;
  readonly requestID?: string;
  readonly eventID: string;
  readonly readOnly: boolean;
  readonly resources: readonly CloudTrailResource[];
  readonly eventType: 'AwsApiCall' | 'AwsServiceEvent';
  readonly managementEvent: true;
  readonly recipientAccountId: string;
  readonly serviceEventDetails?: JsonObject;
  readonly eventCategory: 'Management';
  readonly tlsDetails?: JsonObject;
}

/** A record with where it goes: CloudTrail delivers per recipient account and Region. */
export interface DeliveredRecord {
  readonly record: CloudTrailRecord;
  /** eventTime in milliseconds since the epoch, for windows and ranges. */
  readonly timeMs: number;
}

export function asJson(record: CloudTrailRecord): JsonValue {
  return record as unknown as JsonValue;
}

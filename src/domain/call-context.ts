/**
 * The API call (or service action) that caused an event. It rides in every event's
 * metadata so that the event log is also the audit log: CloudTrail records are rebuilt
 * from it, and nothing here may ever hold a secret.
 */
export type IdentityType = 'Root' | 'IAMUser' | 'AssumedRole' | 'AWSService' | 'AWSAccount';

export interface CallerIdentity {
  readonly type: IdentityType;
  /** AIDA.../AROA... unique id; for a root caller the account id. */
  readonly principalId: string;
  readonly arn: string;
  readonly accountId: string;
  readonly accessKeyId?: string;
  readonly userName?: string;
  /** For AWSService callers (automatic rotation, deletion): e.g. kms.amazonaws.com. */
  readonly invokedBy?: string;
}

export interface CallContext {
  readonly requestId: string;
  /** CloudTrail eventID of the one record this call yields. */
  readonly eventId: string;
  /** ISO-8601 time of the call, from the injected clock. */
  readonly time: string;
  readonly caller: CallerIdentity;
  readonly sourceIp: string;
  readonly userAgent: string;
  readonly region: string;
  /** The operation, e.g. CreateKey; RotateKey / DeleteKey for KMS's own timed service events. */
  readonly operation: string;
  /** AwsApiCall for callers, AwsServiceEvent for KeyTrail's own timed actions. */
  readonly eventType: 'AwsApiCall' | 'AwsServiceEvent';
}

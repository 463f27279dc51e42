import { cloudTrailTime } from './aws-time.js';

/** One log file as a digest lists it: where it is, the SHA-256 of its uncompressed content, its event times. */
export interface DigestLogFile {
  readonly s3Bucket: string;
  readonly s3Object: string;
  readonly hashValue: string;
  readonly hashAlgorithm: 'SHA-256';
  readonly newestEventTime: string;
  readonly oldestEventTime: string;
}

export interface PreviousDigest {
  readonly bucket: string;
  readonly key: string;
  /** SHA-256 (hex) of the previous digest's uncompressed content. */
  readonly hashValue: string;
  readonly signature: string;
}

export interface DigestFields {
  readonly account: string;
  readonly bucket: string;
  readonly key: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly fingerprint: string;
  readonly algorithm: string;
  readonly logFiles: readonly DigestLogFile[];
  readonly previous: PreviousDigest | null;
}

/** A digest file's content, fields in the order CloudTrail writes them. */
export function digestDocument(f: DigestFields): Record<string, unknown> {
  const newest = f.logFiles.reduce<string | null>((m, l) => (m === null || l.newestEventTime > m ? l.newestEventTime : m), null);
  const oldest = f.logFiles.reduce<string | null>((m, l) => (m === null || l.oldestEventTime < m ? l.oldestEventTime : m), null);
  return {
    awsAccountId: f.account,
    digestStartTime: cloudTrailTime(f.startMs),
    digestEndTime: cloudTrailTime(f.endMs),
    digestS3Bucket: f.bucket,
    digestS3Object: f.key,
    digestPublicKeyFingerprint: f.fingerprint,
    digestSignatureAlgorithm: f.algorithm,
    newestEventTime: newest,
    oldestEventTime: oldest,
    previousDigestS3Bucket: f.previous?.bucket ?? null,
    previousDigestS3Object: f.previous?.key ?? null,
    previousDigestHashValue: f.previous?.hashValue ?? null,
    previousDigestHashAlgorithm: f.previous === null ? null : 'SHA-256',
    previousDigestSignature: f.previous?.signature ?? null,
    logFiles: f.logFiles,
  };
}

/**
 * CloudTrail's data-signing string: digestEndTime, bucket/object, the hex SHA-256 of the
 * uncompressed digest, and the previous digest's signature ("null" for the first).
 */
export function digestStringToSign(endTime: string, bucket: string, key: string, contentSha256: string, previousSignature: string | null): Buffer {
  return Buffer.from(`${endTime}\n${bucket}/${key}\n${contentSha256}\n${previousSignature ?? 'null'}`, 'utf8');
}

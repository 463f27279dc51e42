import type { TrailPublicKey } from './trail-ports.js';

/**
 * The public key as CloudTrail's ListPublicKeys answers (what `aws cloudtrail
 * list-public-keys` prints and validate-logs fetches): base64 DER, validity, fingerprint.
 * KeyTrail keeps one key for good, so it is valid from `since` with no end.
 */
export function listPublicKeysDocument(key: TrailPublicKey, since: Date): { PublicKeyList: Array<Record<string, string>> } {
  return {
    PublicKeyList: [
      { Value: key.value, ValidityStartTime: since.toISOString(), ValidityEndTime: '9999-12-31T23:59:59.000Z', Fingerprint: key.fingerprint },
    ],
  };
}

/**
 * The one table from error type to HTTP status on the wire.
 *
 * KMS speaks AWS JSON 1.1, where every client fault travels as HTTP 400 whatever the
 * Smithy model's httpError trait says (real KMS answers NotFoundException and
 * AlreadyExistsException with 400, not 404/409), authentication failures included.
 * Server faults keep their 5xx so that SDKs retry them. The IAM-shaped identity errors
 * keep IAM's own statuses. DryRunOperationException is the one KMS answer with 412.
 */
import type { KmsErrorCode } from '../../domain/errors.js';

/** Errors only the HTTP layer produces, before a request is even read as KMS input. */
export type WireOnlyErrorCode = 'RequestEntityTooLargeException';
export type WireErrorCode = KmsErrorCode | WireOnlyErrorCode;

export const ERROR_STATUS: Readonly<Record<WireErrorCode, number>> = {
  // Authentication (the AWS JSON front door answers these with 400).
  MissingAuthenticationTokenException: 400,
  IncompleteSignatureException: 400,
  InvalidSignatureException: 400,
  UnrecognizedClientException: 400,
  AccessDeniedException: 400,
  // Protocol.
  UnknownOperationException: 400,
  SerializationException: 400,
  ValidationException: 400,
  RequestEntityTooLargeException: 413,
  // KMS client faults.
  AlreadyExistsException: 400,
  CustomKeyStoreInvalidStateException: 400,
  DisabledException: 400,
  IncorrectKeyException: 400,
  InvalidAliasNameException: 400,
  InvalidArnException: 400,
  InvalidCiphertextException: 400,
  InvalidGrantIdException: 400,
  InvalidGrantTokenException: 400,
  InvalidKeyUsageException: 400,
  InvalidMarkerException: 400,
  KMSInvalidStateException: 400,
  LimitExceededException: 400,
  MalformedPolicyDocumentException: 400,
  NotAuthorizedException: 400,
  NotFoundException: 400,
  TagException: 400,
  UnsupportedOperationException: 400,
  // Not a fault: the dry run would have succeeded. KMS answers it with 412, as its model says.
  DryRunOperationException: 412,
  // KMS server faults: retryable.
  KMSInternalException: 500,
  KeyUnavailableException: 500,
  DependencyTimeoutException: 503,
  // The IAM-shaped identity directory.
  EntityAlreadyExistsException: 409,
  NoSuchEntityException: 404,
  DeleteConflictException: 409,
};

export function statusOf(code: WireErrorCode): number {
  // A code outside the union can only come from a cast somewhere; it is then our fault.
  return Object.hasOwn(ERROR_STATUS, code) ? ERROR_STATUS[code] : 500;
}

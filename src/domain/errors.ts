/**
 * Every rule the domain enforces fails with one of AWS KMS's own error types, so the
 * wire layer only has to serialise `{ "__type": code, "message": message }`.
 * The HTTP status for each type lives in the one table that maps errors to the wire
 * (src/infrastructure/http), not here: the domain knows nothing of HTTP.
 */
export type KmsErrorCode =
  | 'AccessDeniedException'
  | 'AlreadyExistsException'
  | 'CustomKeyStoreInvalidStateException'
  | 'DependencyTimeoutException'
  | 'DisabledException'
  // A request with DryRun set that would have succeeded.
  | 'DryRunOperationException'
  | 'IncorrectKeyException'
  | 'IncompleteSignatureException'
  | 'InvalidAliasNameException'
  | 'InvalidArnException'
  | 'InvalidCiphertextException'
  | 'InvalidGrantIdException'
  | 'InvalidGrantTokenException'
  | 'InvalidKeyUsageException'
  | 'InvalidMarkerException'
  | 'KMSInternalException'
  | 'KMSInvalidStateException'
  | 'KeyUnavailableException'
  | 'LimitExceededException'
  | 'MalformedPolicyDocumentException'
  | 'MissingAuthenticationTokenException'
  | 'NotFoundException'
  | 'SerializationException'
  | 'TagException'
  | 'UnknownOperationException'
  | 'UnrecognizedClientException'
  | 'InvalidSignatureException'
  | 'UnsupportedOperationException'
  | 'ValidationException'
  // The identity directory (IAM-shaped) uses these.
  | 'EntityAlreadyExistsException'
  | 'NoSuchEntityException'
  // KMS refuses the reserved alias/aws/ namespace with this type.
  | 'NotAuthorizedException'
  // IAM refuses to delete a user that still has access keys or inline policies.
  | 'DeleteConflictException';

export class KmsError extends Error {
  override readonly name = 'KmsError';
  constructor(
    readonly code: KmsErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function kmsError(code: KmsErrorCode, message: string): KmsError {
  return new KmsError(code, message);
}

export function isKmsError(e: unknown, code?: KmsErrorCode): e is KmsError {
  return e instanceof KmsError && (code === undefined || e.code === code);
}

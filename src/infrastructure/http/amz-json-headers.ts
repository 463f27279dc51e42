/** The two headers that route an AWS JSON 1.1 request: the target operation and the content type. */
import { KmsError } from '../../domain/errors.js';

export const TARGET_PREFIX = 'TrentService.';
export const AMZ_JSON_1_1 = 'application/x-amz-json-1.1';
const ECHO_LIMIT = 128;

/** The operation named by X-Amz-Target, if it is one this server serves. */
export function operationOf(target: string | undefined, served: Readonly<Record<string, unknown>>): string {
  if (target === undefined || target.trim() === '') {
    throw new KmsError('UnknownOperationException', 'The X-Amz-Target header is missing; expected TrentService.<Operation>');
  }
  const trimmed = target.trim();
  const operation = trimmed.startsWith(TARGET_PREFIX) ? trimmed.slice(TARGET_PREFIX.length) : '';
  if (!Object.hasOwn(served, operation)) {
    throw new KmsError('UnknownOperationException', `Unrecognized operation '${trimmed.slice(0, ECHO_LIMIT)}'`);
  }
  return operation;
}

export function checkContentType(contentType: string | undefined): void {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType !== AMZ_JSON_1_1) {
    const got = contentType === undefined ? 'none' : `'${contentType.slice(0, ECHO_LIMIT)}'`;
    throw new KmsError('SerializationException', `Unsupported Content-Type ${got}; KMS requests use ${AMZ_JSON_1_1}`);
  }
}

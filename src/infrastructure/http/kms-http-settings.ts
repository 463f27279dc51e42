/** What the KMS wire layer needs besides its ports. Port and host are given to listen(). */
export interface KmsHttpSettings {
  /** Larger bodies are refused with 413 before they are read. KMS's largest input (a 128 KiB policy) fits in 1 MiB. */
  readonly maxBodyBytes: number;
  /**
   * Where unexpected failures are reported. The report names the request, the operation
   * and the error, never the request body or headers (they may hold plaintext or secrets).
   */
  readonly reportInternalError?: (report: InternalErrorReport) => void;
}
export const KmsHttpSettings = Symbol.for('keytrail.KmsHttpSettings');

export interface InternalErrorReport {
  readonly requestId: string;
  readonly operation: string | null;
  readonly error: unknown;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export const DEFAULT_KMS_HTTP_SETTINGS: KmsHttpSettings = { maxBodyBytes: DEFAULT_MAX_BODY_BYTES };

/** The default report: one line on stderr with the error's name, message and stack. */
export function reportToStderr({ requestId, operation, error }: InternalErrorReport): void {
  const detail = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error);
  process.stderr.write(`keytrail http: internal error in ${operation ?? 'request'} ${requestId}: ${detail}\n`);
}

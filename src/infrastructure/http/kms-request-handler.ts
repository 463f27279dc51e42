/**
 * One KMS request through the wire: route (POST /, X-Amz-Target), authenticate (SigV4),
 * read (content type, JSON, shapes), validate (the KMS model's constraints), invoke the
 * operation, answer in AWS JSON 1.1. Independent of node:http so every step can be
 * exercised directly.
 */
import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'inversify';
import type { CallContext } from '../../domain/call-context.js';
import { AccessKeyDirectory } from '../../application/ports/access-key-directory.js';
import { Clock } from '../../application/ports/clock.js';
import { KmsOperations } from '../../application/ports/kms-operations.js';
import { KmsError } from '../../domain/errors.js';
import { checkContentType, operationOf, TARGET_PREFIX } from './amz-json-headers.js';
import { buildCallContext } from './build-call-context.js';
import { decodeStructure } from './decode-input.js';
import { encodeOutput } from './encode-output.js';
import { parseJsonBody } from './json-body.js';
import { KmsHttpSettings, reportToStderr } from './kms-http-settings.js';
import { KMS_SHAPES } from './model/kms-shapes.generated.js';
import { SigV4Authenticator, type SignedRequest } from './sigv4/sigv4-authenticator.js';
import { validateStructure } from './validate-input.js';
import { errorResponse, successResponse, type WireResponse } from './wire-response.js';

export interface WireRequest extends SignedRequest {
  /** The peer address, without the IPv4-mapped IPv6 prefix. */
  readonly sourceIp: string;
}

function ownHeader(request: WireRequest, name: string): string | undefined {
  return Object.hasOwn(request.headers, name) ? request.headers[name] : undefined;
}

export const INTERNAL_ERROR_MESSAGE = 'An internal error occurred. Try the request again.';

@injectable()
export class KmsRequestHandler {
  private readonly authenticator: SigV4Authenticator;

  constructor(
    @inject(KmsOperations) private readonly operations: KmsOperations,
    @inject(AccessKeyDirectory) directory: AccessKeyDirectory,
    @inject(Clock) private readonly clock: Clock,
    @inject(KmsHttpSettings) private readonly settings: KmsHttpSettings,
  ) {
    this.authenticator = new SigV4Authenticator(directory, clock);
  }

  async handle(request: WireRequest): Promise<WireResponse> {
    const requestId = randomUUID();
    let operation: string | null = null;
    try {
      if (request.method !== 'POST' || request.path !== '/') {
        throw new KmsError('UnknownOperationException', `KMS serves POST / only; got ${request.method} ${request.path.slice(0, 128)}`);
      }
      const authenticated = await this.authenticator.authenticate(request);
      const callAs = (name: string) =>
        buildCallContext({ requestId, operation: name, sourceIp: request.sourceIp, userAgent: ownHeader(request, 'user-agent') ?? '', time: this.clock.now() }, authenticated);
      const target = ownHeader(request, 'x-amz-target');
      try {
        operation = operationOf(target, KMS_SHAPES.operations);
      } catch (error) {
        // Authenticated, yet naming no KMS operation: recorded all the same, under the name it gave.
        const named = recordedName(target);
        await this.operations.recordRejected(named, {}, callAs(named), error);
        throw error;
      }
      const call = callAs(operation);
      const input = await this.decodedInput(request, operation, call);
      const output = await this.operations.invoke(operation, input, call);
      return successResponse(requestId, this.clock.now(), encodeOutput(output ?? {}));
    } catch (error) {
      return this.failure(error, requestId, operation);
    }
  }

  /** Content type, JSON, types, constraints; a refusal is recorded before it is answered. */
  private async decodedInput(request: WireRequest, operation: string, call: CallContext): Promise<Record<string, unknown>> {
    let parsed: unknown = {};
    try {
      checkContentType(ownHeader(request, 'content-type'));
      parsed = parseJsonBody(request.body);
      const inputShape = KMS_SHAPES.operations[operation]!;
      const input = decodeStructure(parsed, inputShape, KMS_SHAPES.shapes);
      validateStructure(input, inputShape, KMS_SHAPES.shapes);
      return input;
    } catch (error) {
      const raw = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
      await this.operations.recordRejected(operation, raw, call, error);
      throw error;
    }
  }

  private failure(error: unknown, requestId: string, operation: string | null): WireResponse {
    const now = this.safeNow();
    if (error instanceof KmsError) return errorResponse(requestId, now, error.code, error.message);
    try {
      (this.settings.reportInternalError ?? reportToStderr)({ requestId, operation, error });
    } catch {
      // A failing reporter must not turn one failed request into a dropped connection.
    }
    return errorResponse(requestId, now, 'KMSInternalException', INTERNAL_ERROR_MESSAGE);
  }

  /** An error answer must not fail in turn because the clock did. */
  private safeNow(): Date {
    try {
      return this.clock.now();
    } catch {
      return new Date();
    }
  }
}

/**
 * The name a call to no KMS operation is recorded under: the operation part of its target
 * when that is a plausible operation name, else UnknownOperation (a missing or garbled
 * target is not echoed into the audit trail).
 */
function recordedName(target: string | undefined): string {
  const trimmed = (target ?? '').trim();
  const name = trimmed.startsWith(TARGET_PREFIX) ? trimmed.slice(TARGET_PREFIX.length) : trimmed;
  return /^[A-Za-z][A-Za-z0-9]{0,63}$/.test(name) ? name : 'UnknownOperation';
}

/**
 * The time-travel queries over HTTP: GET /_keytrail/<question>?<parameters>, signed with
 * SigV4 like any KMS request (service name kms), answered in JSON. A caller asks about
 * the keys and principals of its own account only.
 */
import { randomUUID } from 'node:crypto';
import { inject, injectable, optional } from 'inversify';
import { parsePrincipal } from '../../../application/audit/subjects.js';
import { TimeTravelQueries } from '../../../application/audit/time-travel-queries.js';
import { ComplianceReports } from '../../../application/compliance/compliance-reports.js';
import { AccessKeyDirectory } from '../../../application/ports/access-key-directory.js';
import { Clock } from '../../../application/ports/clock.js';
import { KmsError } from '../../../domain/errors.js';
import { reportToStderr } from '../kms-http-settings.js';
import type { WireRequest } from '../kms-request-handler.js';
import { SigV4Authenticator } from '../sigv4/sigv4-authenticator.js';
import { errorResponse, type WireResponse } from '../wire-response.js';
import { QUERY_ROUTES, required, type Query } from './query-routes.js';
import { REPORT_ROUTES } from './report-routes.js';

export const QUERY_API_PREFIX = '/_keytrail/';

@injectable()
export class QueryApiHandler {
  private readonly authenticator: SigV4Authenticator;

  constructor(
    @inject(TimeTravelQueries) private readonly queries: TimeTravelQueries,
    @inject(AccessKeyDirectory) directory: AccessKeyDirectory,
    @inject(Clock) private readonly clock: Clock,
    /** The compliance reports under /_keytrail/report, when the composition root binds them. */
    @inject(ComplianceReports) @optional() private readonly reports?: ComplianceReports,
  ) {
    this.authenticator = new SigV4Authenticator(directory, clock);
  }

  async handle(request: WireRequest): Promise<WireResponse> {
    const requestId = randomUUID();
    try {
      const name = request.path.slice(QUERY_API_PREFIX.length);
      const route = Object.hasOwn(QUERY_ROUTES, name) ? QUERY_ROUTES[name] : undefined;
      const reportRoute = this.reports !== undefined && Object.hasOwn(REPORT_ROUTES, name) ? REPORT_ROUTES[name] : undefined;
      if (request.method !== 'GET' || (route === undefined && reportRoute === undefined)) {
        const names = [...Object.keys(QUERY_ROUTES), ...(this.reports === undefined ? [] : Object.keys(REPORT_ROUTES))];
        throw new KmsError('UnknownOperationException', `The query API serves GET ${QUERY_API_PREFIX}{${names.join(',')}}`);
      }
      const { caller } = await this.authenticator.authenticate(request);
      const query = request.query as Query;
      // A report covers the caller's own account only.
      if (reportRoute !== undefined) {
        const rendered = await reportRoute.run(this.reports!, query, caller.accountId);
        return respond(200, requestId, this.clock.now(), rendered.body, rendered.contentType);
      }
      if (route === undefined) throw new KmsError('UnknownOperationException', `No route ${name}`);
      if (route.key !== undefined && query[route.key] !== undefined) {
        const account = await this.queries.accountOfKey(required(query, route.key));
        if (account !== null && account !== caller.accountId) throw denied(caller.arn);
      }
      if (route.principal !== undefined) {
        const subject = parsePrincipal(required(query, route.principal));
        if ((subject.kind === 'principal' || subject.kind === 'accountPrincipals') && subject.accountId !== caller.accountId) throw denied(caller.arn);
      }
      const answer = await route.run(this.queries, query, caller.accountId);
      return json(200, requestId, this.clock.now(), answer);
    } catch (error) {
      if (error instanceof KmsError) return errorResponse(requestId, this.clock.now(), error.code, error.message);
      if (error instanceof RangeError) return errorResponse(requestId, this.clock.now(), 'ValidationException', error.message);
      reportToStderr({ requestId, operation: request.path, error });
      return errorResponse(requestId, this.clock.now(), 'KMSInternalException', 'An internal error occurred. Try the request again.');
    }
  }
}

function denied(arn: string): KmsError {
  return new KmsError('AccessDeniedException', `User: ${arn} may query the keys and principals of its own account only`);
}

function json(status: number, requestId: string, now: Date, answer: unknown): WireResponse {
  return respond(status, requestId, now, JSON.stringify(answer), 'application/json');
}

function respond(status: number, requestId: string, now: Date, body: string, contentType: string): WireResponse {
  return {
    status,
    headers: { 'x-amzn-RequestId': requestId, 'Content-Type': contentType, 'Content-Length': String(Buffer.byteLength(body)), Date: now.toUTCString() },
    body,
  };
}

/** Responses as AWS JSON 1.1 services send them. */
import { AMZ_JSON_1_1 } from './amz-json-headers.js';
import { statusOf, type WireErrorCode } from './error-status.js';

export interface WireResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The Date header has a one-second resolution: formatted once per second, not per response. */
let lastDate = { second: Number.NaN, text: '' };

function httpDate(now: Date): string {
  const second = Math.floor(now.getTime() / 1000);
  if (second !== lastDate.second) lastDate = { second, text: now.toUTCString() };
  return lastDate.text;
}

function headers(requestId: string, now: Date, body: string): Record<string, string> {
  return {
    'x-amzn-RequestId': requestId,
    'Content-Type': AMZ_JSON_1_1,
    'Content-Length': String(Buffer.byteLength(body)),
    // From the injected clock: SDKs correct their clock skew from this header.
    Date: httpDate(now),
  };
}

export function successResponse(requestId: string, now: Date, body: string): WireResponse {
  return { status: 200, headers: headers(requestId, now, body), body };
}

export function errorResponse(requestId: string, now: Date, code: WireErrorCode, message: string): WireResponse {
  const body = JSON.stringify({ __type: code, message });
  return {
    status: statusOf(code),
    headers: { ...headers(requestId, now, body), 'x-amzn-ErrorType': code },
    body,
  };
}

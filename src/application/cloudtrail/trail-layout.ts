import { createHash } from 'node:crypto';

/**
 * AWS's S3 layout for CloudTrail, with KeyTrail's choices where AWS's depend on its
 * delivery timing: a log file is named after the start of its 5-minute window and a
 * digest after the end of its hour, and the "unique" part of a log file name is derived
 * from its place rather than drawn at random, so one history always exports the same.
 */
export const WINDOW_MS = 5 * 60 * 1000;
export const HOUR_MS = 60 * 60 * 1000;

export function windowOf(timeMs: number): number {
  return Math.floor(timeMs / WINDOW_MS) * WINDOW_MS;
}

export function hourOf(timeMs: number): number {
  return Math.floor(timeMs / HOUR_MS) * HOUR_MS;
}

function parts(timeMs: number) {
  const iso = new Date(timeMs).toISOString();
  return { y: iso.slice(0, 4), m: iso.slice(5, 7), d: iso.slice(8, 10), hh: iso.slice(11, 13), mm: iso.slice(14, 16), ss: iso.slice(17, 19) };
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function uniquePart(account: string, region: string, windowStart: number): string {
  const digest = createHash('sha256').update(`${account}|${region}|${windowStart}`).digest();
  return Array.from(digest.subarray(0, 16), (b) => ALPHABET[b % ALPHABET.length]).join('');
}

export function logFileKey(account: string, region: string, windowStart: number): string {
  const t = parts(windowStart);
  return (
    `AWSLogs/${account}/CloudTrail/${region}/${t.y}/${t.m}/${t.d}/` +
    `${account}_CloudTrail_${region}_${t.y}${t.m}${t.d}T${t.hh}${t.mm}Z_${uniquePart(account, region, windowStart)}.json.gz`
  );
}

export function digestKey(account: string, region: string, trailName: string, digestEnd: number): string {
  const t = parts(digestEnd);
  return (
    `AWSLogs/${account}/CloudTrail-Digest/${region}/${t.y}/${t.m}/${t.d}/` +
    `${account}_CloudTrail-Digest_${region}_${trailName}_${region}_${t.y}${t.m}${t.d}T${t.hh}${t.mm}${t.ss}Z.json.gz`
  );
}

export type TrailKey =
  | { readonly kind: 'log'; readonly account: string; readonly region: string; readonly timeMs: number }
  | { readonly kind: 'digest'; readonly account: string; readonly region: string; readonly timeMs: number };

const LOG_KEY = /^AWSLogs\/(\d{12})\/CloudTrail\/([a-z0-9-]+)\/\d{4}\/\d{2}\/\d{2}\/\1_CloudTrail_\2_(\d{8}T\d{4}Z)_[A-Za-z0-9]+\.json\.gz$/;
const DIGEST_KEY = /^AWSLogs\/(\d{12})\/CloudTrail-Digest\/([a-z0-9-]+)\/\d{4}\/\d{2}\/\d{2}\/\1_CloudTrail-Digest_\2_.+_(\d{8}T\d{6}Z)\.json\.gz$/;

function parseCompact(text: string): number {
  const iso = `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}T${text.slice(9, 11)}:${text.slice(11, 13)}:${text.length > 14 ? text.slice(13, 15) : '00'}Z`;
  return Date.parse(iso);
}

/** What a key names, or null for anything that is not a CloudTrail log or digest file. */
export function parseTrailKey(key: string): TrailKey | null {
  const log = LOG_KEY.exec(key);
  if (log) return { kind: 'log', account: log[1]!, region: log[2]!, timeMs: parseCompact(log[3]!) };
  const digest = DIGEST_KEY.exec(key);
  if (digest) return { kind: 'digest', account: digest[1]!, region: digest[2]!, timeMs: parseCompact(digest[3]!) };
  return null;
}

import { createHash } from 'node:crypto';
import { digestStringToSign } from './digest-file.js';
import { parseTrailKey } from './trail-layout.js';
import { TrailObjectMissingError, type TrailPublicKey, type TrailReader } from './trail-ports.js';

export type TrailProblemKind = 'modified' | 'deleted' | 'inserted' | 'gap' | 'unverified';

export interface TrailProblem {
  readonly kind: TrailProblemKind;
  /** The file concerned; for a gap, the digest after it. */
  readonly file: string;
  readonly detail: string;
}

export interface VerifyReport {
  readonly problems: readonly TrailProblem[];
  readonly validDigests: number;
  readonly validLogFiles: number;
}

interface Digest {
  readonly key: string;
  readonly data: Record<string, unknown>;
  readonly sha256: string;
  readonly signature: string;
}

const REQUIRED = ['digestPublicKeyFingerprint', 'digestS3Bucket', 'digestS3Object', 'previousDigestSignature', 'digestEndTime', 'digestStartTime', 'logFiles'] as const;

/**
 * Checks an exported trail the way CloudTrail's own validation does, and says what is
 * wrong by name: each digest must be signed by the trail's key over AWS's data-signing
 * string and chain to the one before; each log file a valid digest lists must be there
 * with the same SHA-256; a file no valid digest lists was inserted (or lost its digest);
 * a digest that does not start where the previous one ended leaves a gap. Trust rests on
 * the public key, which is never taken from the folder being checked.
 */
export class TrailVerifier {
  constructor(
    private readonly reader: TrailReader,
    private readonly key: TrailPublicKey,
  ) {}

  async verify(): Promise<VerifyReport> {
    const problems: TrailProblem[] = [];
    const keys = await this.reader.listKeys();
    const present = new Set(keys);
    const logs = new Set<string>();
    const chains = new Map<string, string[]>();
    for (const key of keys) {
      const parsed = parseTrailKey(key);
      if (parsed === null) {
        problems.push({ kind: 'inserted', file: key, detail: 'not a CloudTrail log or digest file' });
      } else if (parsed.kind === 'log') {
        logs.add(key);
      } else {
        const chain = `${parsed.account}|${parsed.region}`;
        chains.set(chain, [...(chains.get(chain) ?? []), key]);
      }
    }

    const listed = new Set<string>();
    const listedByInvalid = new Set<string>();
    const uncovered: Array<{ from: number; to: number }> = [];
    let validDigests = 0;
    let validLogFiles = 0;
    for (const digestKeys of chains.values()) {
      digestKeys.sort((a, b) => parseTrailKey(a)!.timeMs - parseTrailKey(b)!.timeMs || a.localeCompare(b));
      let previous: Digest | null = null;
      for (const key of digestKeys) {
        const digest = await this.loadDigest(key, problems);
        if (digest === null) {
          uncovered.push(claimedPeriod(key));
          for (const f of await this.claimedLogFiles(key)) listedByInvalid.add(f);
          continue;
        }
        validDigests++;
        this.checkLink(digest, previous, present, problems, uncovered);
        previous = digest;
        for (const file of digest.data['logFiles'] as Array<Record<string, unknown>>) {
          const object = String(file['s3Object']);
          listed.add(object);
          if (!present.has(object)) {
            problems.push({ kind: 'deleted', file: object, detail: `listed by ${key} but missing` });
            continue;
          }
          const sha256 = await this.contentHash(object);
          if (sha256 === file['hashValue']) validLogFiles++;
          else problems.push({ kind: 'modified', file: object, detail: sha256 === null ? 'not a readable gzip file' : `SHA-256 differs from the one ${key} lists` });
        }
      }
    }

    for (const log of logs) {
      if (listed.has(log)) continue;
      const at = parseTrailKey(log)!.timeMs;
      if (listedByInvalid.has(log) || uncovered.some((p) => at >= p.from && at < p.to)) {
        problems.push({ kind: 'unverified', file: log, detail: 'the digest that would list it is missing or invalid' });
      } else {
        problems.push({ kind: 'inserted', file: log, detail: 'no digest lists it' });
      }
    }
    return { problems, validDigests, validLogFiles };
  }

  /** A digest whose content, place and signature hold; null (with the problem named) otherwise. */
  private async loadDigest(key: string, problems: TrailProblem[]): Promise<Digest | null> {
    let content: Buffer;
    let data: Record<string, unknown>;
    try {
      content = await this.reader.readObject(key);
      data = JSON.parse(content.toString('utf8')) as Record<string, unknown>;
    } catch {
      problems.push({ kind: 'modified', file: key, detail: 'not a gzip-compressed JSON digest' });
      return null;
    }
    if (REQUIRED.some((field) => !(field in data)) || !Array.isArray(data['logFiles'])) {
      problems.push({ kind: 'modified', file: key, detail: 'digest fields are missing' });
      return null;
    }
    if (data['digestS3Object'] !== key) {
      problems.push({ kind: 'modified', file: key, detail: `has been moved from ${String(data['digestS3Object'])}` });
      return null;
    }
    const metadata = await this.reader.readSignature(key);
    if (metadata === null) {
      problems.push({ kind: 'modified', file: key, detail: 'its signature file is missing' });
      return null;
    }
    if (data['digestPublicKeyFingerprint'] !== this.key.fingerprint) {
      problems.push({ kind: 'modified', file: key, detail: `signed by another key (${String(data['digestPublicKeyFingerprint'])})` });
      return null;
    }
    const sha256 = createHash('sha256').update(content).digest('hex');
    const previousSignature = data['previousDigestSignature'];
    const toSign = digestStringToSign(
      String(data['digestEndTime']),
      String(data['digestS3Bucket']),
      key,
      sha256,
      typeof previousSignature === 'string' ? previousSignature : null,
    );
    if (!this.key.verify(toSign, metadata.signature)) {
      problems.push({ kind: 'modified', file: key, detail: 'signature verification failed' });
      return null;
    }
    return { key, data, sha256, signature: metadata.signature };
  }

  private checkLink(digest: Digest, previous: Digest | null, present: ReadonlySet<string>, problems: TrailProblem[], uncovered: Array<{ from: number; to: number }>): void {
    const previousKey = digest.data['previousDigestS3Object'];
    const start = String(digest.data['digestStartTime']);
    if (typeof previousKey !== 'string') {
      if (previous !== null) problems.push({ kind: 'gap', file: digest.key, detail: `the chain restarts: nothing links ${String(previous.data['digestEndTime'])} to ${start}` });
      return;
    }
    if (previous === null || previous.key !== previousKey) {
      if (!present.has(previousKey)) {
        problems.push({ kind: 'deleted', file: previousKey, detail: `${digest.key} chains to it` });
        const from = previous === null ? Date.parse(start) - 3600_000 : Date.parse(String(previous.data['digestEndTime']));
        uncovered.push({ from, to: Date.parse(start) });
      } else if (previous === null || previous.key < previousKey) {
        // The digest it names is there but did not validate: already reported.
      } else {
        problems.push({ kind: 'inserted', file: previous.key, detail: `${digest.key} chains to ${previousKey}, not to it` });
      }
      return;
    }
    if (digest.data['previousDigestHashValue'] !== previous.sha256 || digest.data['previousDigestSignature'] !== previous.signature) {
      problems.push({ kind: 'modified', file: previous.key, detail: `${digest.key} recorded another hash or signature for it` });
    }
    if (String(previous.data['digestEndTime']) !== start) {
      problems.push({ kind: 'gap', file: digest.key, detail: `nothing covers ${String(previous.data['digestEndTime'])} to ${start}` });
    }
  }

  private async contentHash(key: string): Promise<string | null> {
    try {
      return createHash('sha256').update(await this.reader.readObject(key)).digest('hex');
    } catch (e) {
      if (e instanceof TrailObjectMissingError) throw e;
      return null;
    }
  }

  private async claimedLogFiles(key: string): Promise<string[]> {
    try {
      const data = JSON.parse((await this.reader.readObject(key)).toString('utf8')) as { logFiles?: Array<{ s3Object?: unknown }> };
      return (data.logFiles ?? []).flatMap((f) => (typeof f.s3Object === 'string' ? [f.s3Object] : []));
    } catch {
      return [];
    }
  }
}

/** The hour a digest's name says it covers. */
function claimedPeriod(key: string): { from: number; to: number } {
  const end = parseTrailKey(key)!.timeMs;
  return { from: end - 3600_000, to: end };
}

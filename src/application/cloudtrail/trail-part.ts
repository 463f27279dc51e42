import type { GlobalPosition } from '../ports/event-store.js';
import type { ReplayRange } from './cloudtrail-replay.js';
import type { DigestLogFile } from './digest-file.js';
import type { TrailStorage } from './trail-ports.js';

/**
 * Exporting a trail in parts side by side. Log files of different 5-minute windows do
 * not depend on each other; only the hourly digests chain. So the log is cut at a
 * position where the calls' times cross a window boundary B, another thread writes the log
 * files of the later part, and the exporting thread writes every digest from both lists.
 *
 * Why the files are the one-pass export's (TrailChannel's rules: a record goes to
 * max(its window, the channel's floor); a file goes to the digest of the first hour not
 * yet digested when it closes):
 * - First part: it is a prefix of the one pass, so it delivers the same, provided each of
 *   its records is before B and goes to a window before B (checked). Its files still open
 *   at the cut receive nothing later (every later window is at or after B), so closing
 *   them at the cut changes no byte, nor the digest that lists them.
 * - Second part: its channels start with no files and their chains as if begun before B
 *   (hour of B - 5 min), so from a channel's first file on, the next hour to digest is the
 *   one pass's. Its floor can then differ from the one pass's only below
 *   max(B, hour of its first window); a record is accepted when its window is at or after
 *   B and lies at or above the floor or the floor is past that bound (so both agree), and a
 *   channel's first record when it is no older than the hour of the watermark's previous
 *   window (the most the one pass's digests could have raised that channel's floor).
 * Any record failing a check makes the export start again in one pass.
 */

/** Where the log is cut: records before `position` are the first part, the rest the second. */
export interface TrailSplit {
  readonly position: GlobalPosition;
  /** A window boundary: the first part's files all lie before it, the second part's at or after it. */
  readonly boundaryMs: number;
}

/** A log file of the second part, with the hour whose digest lists it. */
export interface PartLogFile {
  readonly file: DigestLogFile;
  /** The first hour not yet digested when the file was closed: its digest lists the file. */
  readonly digestHour: number;
}

/** One account and Region's share of the second part. */
export interface PartChannel {
  readonly account: string;
  readonly region: string;
  /** Where this channel's digest chain starts if it had no file in the first part. */
  readonly firstDigestHour: number;
  readonly lastWindow: number;
  /** In the order they were closed. */
  readonly files: readonly PartLogFile[];
}

export interface TrailPartRequest {
  readonly split: TrailSplit;
  readonly range: ReplayRange;
  readonly bucket: string;
  /** The hour every chain starts at (from --from), or null to start at each channel's first file. */
  readonly chainStart: number | null;
}

export interface TrailPartResult {
  /**
   * False when some record would have gone elsewhere in a one-pass export (a call whose
   * time falls before the boundary or behind a window already delivered): the part's
   * files must then be thrown away and the export done in one pass.
   */
  readonly consistent: boolean;
  readonly records: number;
  /** The latest window any record fell in (-Infinity without records). */
  readonly watermark: number;
  readonly channels: readonly PartChannel[];
  /** Every object the part wrote. */
  readonly written: readonly string[];
}

/** Runs the second part of an export somewhere else (another thread). */
export interface TrailPartExporter {
  /** Whether this storage and event store can be exported in parts at all. */
  supports(storage: TrailStorage): boolean;
  /** `onProgress` hears now and then how many records the part has delivered and what share of it is read. */
  exportPart(storage: TrailStorage, request: TrailPartRequest, onProgress?: (records: number, fraction: number) => void): Promise<TrailPartResult>;
  /** Removes objects a part wrote, when its result was thrown away. */
  remove(storage: TrailStorage, keys: readonly string[]): Promise<void>;
}
export const TrailPartExporter = Symbol.for('keytrail.TrailPartExporter');

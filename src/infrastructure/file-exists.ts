import { statSync } from 'node:fs';

/** Whether a file exists; unlike existsSync, a file we may not read is an error, not "absent". */
export function fileExists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

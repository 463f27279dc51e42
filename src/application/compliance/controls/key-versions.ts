import type { Citation, KeyVersion } from '../../audit/temporal-read-models.js';
import type { KeyView } from '../snapshot.js';

/** The key's versions up to the one in view, oldest first. */
function versionsUpTo(view: KeyView): KeyVersion[] {
  const versions = view.history().keys;
  const current = versions.findIndex((v) => v.validity.from.position === view.key.validity.from.position);
  return current < 0 ? [view.key] : versions.slice(0, current + 1);
}

/** The event that opened the run of versions, ending with the one in view, that agree on `same`: what set it so. */
export function runStart(view: KeyView, same: (a: KeyVersion, b: KeyVersion) => boolean): Citation {
  const versions = versionsUpTo(view);
  let start = versions.length - 1;
  while (start > 0 && same(versions[start - 1]!, view.key)) start--;
  return versions[start]!.validity.from;
}

/** The newest event of a type among the key's versions up to the one in view. */
export function lastOfType(view: KeyView, type: string): Citation | undefined {
  return versionsUpTo(view)
    .map((v) => v.validity.from)
    .filter((c) => c.type === type)
    .at(-1);
}

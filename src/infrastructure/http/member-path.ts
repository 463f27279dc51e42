/**
 * Member paths as AWS names them in error messages: the member name with a lower-case
 * first letter, list items as `<list>.<1-based index>.member`, e.g. `tags.2.member.tagKey`.
 */
export type MemberPath = readonly string[];

export function memberSegment(member: string): string {
  return member.charAt(0).toLowerCase() + member.slice(1);
}

export function listItemSegments(index: number): string[] {
  return [String(index + 1), 'member'];
}

export function renderPath(path: MemberPath): string {
  return path.join('.');
}

/**
 * A path built only if something goes wrong: each step names its parent, and the segment
 * strings are made when an error message needs them, not for every member of every request.
 */
export interface PathStep {
  readonly parent: PathStep | null;
  /** A structure member (rendered with memberSegment), or segments used as they are. */
  readonly member?: string;
  readonly segments?: readonly string[];
}

export function pathOf(step: PathStep | null): MemberPath {
  const out: string[] = [];
  for (let s = step; s !== null; s = s.parent) {
    if (s.member !== undefined) out.push(memberSegment(s.member));
    else if (s.segments !== undefined) for (let i = s.segments.length - 1; i >= 0; i--) out.push(s.segments[i]!);
  }
  return out.reverse();
}

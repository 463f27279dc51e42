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

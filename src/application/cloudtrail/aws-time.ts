/**
 * The two ways CloudTrail writes a time: eventTime to the second in ISO-8601 UTC, and the
 * dates inside KMS response elements (creationDate, deletionDate) as Java's medium date
 * format, e.g. "Aug 10, 2022, 10:38:27 PM".
 */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

export function cloudTrailTime(iso: string | number | Date): string {
  return (typeof iso === 'string' ? secondsOfIsoUtc(iso) : null) ?? `${new Date(iso).toISOString().slice(0, 19)}Z`;
}

/**
 * eventTime for a time already written in ISO-8601 UTC, as the call context holds it: cut,
 * rather than parsed and printed again. Null for any other text.
 */
export function secondsOfIsoUtc(iso: string): string | null {
  return ISO_UTC.test(iso) ? `${iso.slice(0, 19)}Z` : null;
}

export function responseDate(iso: string): string {
  const d = new Date(iso);
  const hours = d.getUTCHours();
  const h12 = hours % 12 === 0 ? 12 : hours % 12;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ${h12}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${hours < 12 ? 'AM' : 'PM'}`;
}

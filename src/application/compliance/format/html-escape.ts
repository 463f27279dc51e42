/**
 * Every value a report carries is data from the event log (key descriptions, policy names,
 * principal ARNs, aliases), so it may hold markup. These helpers are the only way report values
 * enter the HTML, in text and in attribute values alike.
 */

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text or a quoted attribute value: the five characters that can end either are replaced. */
export function escapeHtml(value: unknown): string {
  return displayText(value).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** ` name="value"`, escaped; nothing when the value is absent. */
export function attr(name: string, value: unknown): string {
  return value === undefined || value === null ? '' : ` ${name}="${escapeHtml(value)}"`;
}

/** How a value reads to a person: strings as they are, anything structured as JSON. */
export function displayText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  if (typeof value === 'bigint') return value.toString();
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(value);
}

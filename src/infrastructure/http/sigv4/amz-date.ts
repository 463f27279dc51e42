/** The ISO-8601 basic format SigV4 uses: 20240101T120000Z. */
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** null when the text is not a real instant in that format. */
export function parseAmzDate(text: string): Date | null {
  const match = AMZ_DATE.exec(text);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return formatAmzDate(date) === text ? date : null;
}

/** The last instant formatted: a request formats its signing date and the clock's second several times. */
let lastFormatted = { time: Number.NaN, text: '' };

export function formatAmzDate(date: Date): string {
  const time = date.getTime();
  if (time === lastFormatted.time) return lastFormatted.text;
  const text = formatIso(date.toISOString());
  lastFormatted = { time, text };
  return text;
}

function formatIso(iso: string): string {
  // By position for the usual YYYY-MM-DDTHH:mm:ss.sssZ (it runs several times per request);
  // the expanded years (+010000-...) take the general path.
  if (iso.length !== 24) return iso.replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

/**
 * Reads the report's start tags back without a browser: enough for the unit tests, which check
 * the data attributes the renderer writes (the browser test reads the real DOM).
 */

export type Attributes = Readonly<Record<string, string>>;

const ENTITIES: Readonly<Record<string, string>> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

export function unescapeHtml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e] ?? e);
}

function attributesOf(source: string): Attributes {
  const out: Record<string, string> = {};
  for (const m of source.matchAll(/([a-zA-Z_:][\w:.-]*)(?:="([^"]*)")?/g)) out[m[1]!] = unescapeHtml(m[2] ?? '');
  return out;
}

/** The attributes of every `<tag …>` whose attributes include all of `having` (a value of '' only asks for presence). */
export function startTags(html: string, tag: string, having: Attributes = {}): Attributes[] {
  const found: Attributes[] = [];
  for (const m of html.matchAll(new RegExp(`<${tag}((?:\\s[^>]*)?)/?>`, 'g'))) {
    const attributes = attributesOf(m[1] ?? '');
    if (Object.entries(having).every(([k, v]) => k in attributes && (v === '' || attributes[k] === v))) found.push(attributes);
  }
  return found;
}

/** data-pass / data-fail / data-not-applicable as numbers. */
export function countsIn(a: Attributes): { pass: number; fail: number; notApplicable: number } {
  return { pass: Number(a['data-pass']), fail: Number(a['data-fail']), notApplicable: Number(a['data-not-applicable']) };
}

// The translations a webview page gets from its host, both ends: the host writes the bundle into
// the page's HTML (shared/webviewHtml.ts) and the page reads it back (webview/app/l10n.ts). Pure, with neither Node's
// nor the DOM's API, so the page's bundle takes it and a unit test runs the round trip.

/**
 * JSON that stays inside its <script> element whatever the strings hold: `<`, `>` and `&` as
 * \u escapes (so no `</script>` or `<!--` in a translation ends or changes the element), and the
 * two line separators JavaScript once refused. JSON.parse gives the strings back unchanged. A data
 * block (type application/json) is never run, so the CSP's script-src does not apply to it.
 */
export function jsonInScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The bundle in the data block's text, or undefined when there is none (or it is not a JSON
 * object). An entry is a translation, or `{ message, comment }` as the exporter writes one with a
 * comment; anything else is left out (that string stays English).
 */
export function parseBundle(text: string | null | undefined): Record<string, string> | undefined {
  if (!text) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value).flatMap(([key, entry]): [string, string][] => {
    if (typeof entry === 'string') return [[key, entry]];
    const message = typeof entry === 'object' && entry !== null ? (entry as { message?: unknown }).message : undefined;
    return typeof message === 'string' ? [[key, message]] : [];
  });
  return entries.length ? Object.fromEntries(entries) : undefined;
}

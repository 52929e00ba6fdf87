// A count with its noun in the right number, as every surface writes it. Pure: no `vscode`.

/** "1 run", "3 runs", "1,204 lines": a count with its noun in the right number. */
export function countOf(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? noun : pluralNoun}`;
}

/** A count as every surface writes it: "1,204". */
export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

/**
 * A count in a translated phrase: `countText(n, l10n.t('{0} run'), l10n.t('{0} runs'))` gives
 * "1 run", "1,204 runs". Both templates come whole from l10n.t (count and noun together, so a
 * language can place and inflect them); {0} is the count. For templates that hold nothing but the
 * count: a template with record text formats it as an argument instead, e.g.
 * `n === 1 ? l10n.t('{0} failing UDF in {1}', formatCount(n), scope) : l10n.t('{0} failing UDFs in {1}', …)`,
 * so text that happens to contain "{0}" stays as written.
 */
export function countText(count: number, one: string, other: string): string {
  return (count === 1 ? one : other).replace(/\{0\}/g, () => formatCount(count));
}

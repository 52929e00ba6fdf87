// A count with its noun in the right number, as every surface writes it. Pure: no `vscode`.

/** "1 run", "3 runs", "1,204 lines": a count with its noun in the right number. */
export function countOf(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? noun : pluralNoun}`;
}

// The table `npm run bench` prints (plain text for the terminal, Markdown for the README).
// Pure: unit-tested in test/unit/bench-tools.test.ts.

export type Verdict = 'met' | 'NOT MET' | '';

export interface Row {
  section: string;
  metric: string;
  value: string;
  /** The goal from the issue, in words ("< 1.3×"); empty when the figure is informational. */
  goal?: string;
  verdict?: Verdict;
}

export function verdict(met: boolean | undefined): Verdict {
  if (met === undefined) return '';
  return met ? 'met' : 'NOT MET';
}

const HEADERS = ['section', 'metric', 'value', 'goal', 'verdict'] as const;

function cells(row: Row): string[] {
  return [row.section, row.metric, row.value, row.goal ?? '', row.verdict ?? ''];
}

export function textTable(rows: readonly Row[]): string {
  const all = [HEADERS.map(String), ...rows.map(cells)];
  const widths = HEADERS.map((_, column) => Math.max(...all.map((line) => line[column].length)));
  return all.map((line) => line.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd()).join('\n') + '\n';
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function markdownTable(rows: readonly Row[]): string {
  const lines = [`| ${HEADERS.join(' | ')} |`, `|${HEADERS.map(() => '---').join('|')}|`];
  for (const row of rows) lines.push(`| ${cells(row).map(escapeCell).join(' | ')} |`);
  return lines.join('\n') + '\n';
}

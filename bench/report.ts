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

/** How long one section took, and the 1-minute load average when it started (the machine's business meanwhile). */
export interface SectionTime {
  section: string;
  seconds: number;
  loadAtStart: number;
}

/**
 * The rows that say where the run's time went: one per section, then the whole run (packaging
 * included) against the budget. A run that only measured some sections is not judged.
 */
export function timeRows(times: readonly SectionTime[], totalSeconds: number, budgetMinutes: number, allSections: boolean): Row[] {
  const rows: Row[] = times.map((time) => ({ section: 'bench', metric: `time, ${time.section}`, value: `${time.seconds} s (load ${time.loadAtStart.toFixed(1)} at its start)` }));
  const minutes = `${Math.floor(totalSeconds / 60)} min ${totalSeconds % 60} s`;
  rows.push({
    section: 'bench',
    metric: allSections ? 'time, whole run (all sections, packaging included)' : `time, this run (${times.map((time) => time.section).join(', ')} only)`,
    value: `${totalSeconds} s (${minutes})`,
    goal: allSections ? `< ${budgetMinutes} min` : '',
    verdict: allSections ? verdict(totalSeconds < budgetMinutes * 60) : '',
  });
  return rows;
}

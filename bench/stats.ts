// Summaries of repeated measurements. Pure: unit-tested in test/unit/bench-tools.test.ts.

export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
  /** 25th and 75th percentiles (linear interpolation between order statistics). */
  p25: number;
  p75: number;
}

function sorted(values: readonly number[]): number[] {
  if (values.length === 0) throw new Error('no values to summarise');
  for (const value of values) if (!Number.isFinite(value)) throw new Error(`not a finite measurement: ${String(value)}`);
  return [...values].sort((a, b) => a - b);
}

/** The q-quantile (0..1) with linear interpolation, as numpy's default and R's type 7. */
export function quantile(values: readonly number[], q: number): number {
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile must be within 0..1; got ${q}`);
  const ordered = sorted(values);
  const position = (ordered.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return ordered[below] + (ordered[above] - ordered[below]) * (position - below);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

export function summarize(values: readonly number[]): Summary {
  const ordered = sorted(values);
  return {
    n: ordered.length,
    median: quantile(ordered, 0.5),
    min: ordered[0],
    max: ordered[ordered.length - 1],
    p25: quantile(ordered, 0.25),
    p75: quantile(ordered, 0.75),
  };
}

/** a / b, or undefined when b is not a positive number (a ratio over nothing means nothing). */
export function ratio(a: number, b: number): number | undefined {
  return b > 0 && Number.isFinite(a) ? a / b : undefined;
}

/** Rounds for display and JSON: 0.1 ms resolution is more than any of these clocks give. */
export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** "15 ms (12–19, n=7)": the median and the full range. */
export function formatMs(summary: Summary): string {
  return `${formatNumber(summary.median)} ms (${formatNumber(summary.min)}–${formatNumber(summary.max)}, n=${summary.n})`;
}

export function formatNumber(value: number): string {
  if (Math.abs(value) >= 100) return String(Math.round(value));
  if (Math.abs(value) >= 10) return value.toFixed(1).replace(/\.0$/, '');
  return value.toFixed(2).replace(/0$/, '').replace(/\.0$/, '');
}

export function formatRatio(value: number | undefined): string {
  return value === undefined ? 'n/a' : `${value >= 10 ? value.toFixed(0) : value.toFixed(2)}×`;
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return 'n/a';
  if (Math.abs(bytes) >= 1e6) return `${(bytes / 1e6).toFixed(2)} MB`;
  return `${(bytes / 1e3).toFixed(1)} KB`;
}

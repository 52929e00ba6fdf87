// Command-line options of `npm run bench` (node:util parseArgs). Pure: unit-tested in test/unit/bench-tools.test.ts.
import { parseArgs } from 'node:util';
import { SECTIONS, type BenchOptions, type SectionName } from './context';

export const USAGE = `usage: npm run bench -- [--only SECTION[,SECTION...]] [--samples N] [--repeats N] [--ui-samples N] [--hovers N] [--activation-methods]
  --only        sections to run (default all): ${SECTIONS.join(', ')}
  --samples     cold extension hosts per extension for the activation figure (default 5)
  --repeats     timings of each recipe per latency (default 3)
  --ui-samples  tree samples per latency and document opens per kind (default 3)
  --hovers      hovers answered from the cache (default 40)
  --activation-methods  also time our activation the two ways the old bench did (view opened right
                after the window loaded; view restored by a reload), to compare with the figure`;

export class UsageError extends Error {}

function integer(flag: string, text: string | undefined, min: number, max: number): number {
  const value = Number(text);
  if (text === undefined || !/^\d+$/.test(text) || value < min || value > max) throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got "${text}"`);
  return value;
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        only: { type: 'string' },
        samples: { type: 'string' },
        repeats: { type: 'string' },
        'ui-samples': { type: 'string' },
        hovers: { type: 'string' },
        'activation-methods': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    // parseArgs names the option or word it refuses ("Unknown option '--fast'", "Unexpected argument 'x'").
    throw new UsageError((error as Error).message);
  }
  if (values.help) throw new UsageError('');
  const options: BenchOptions = { only: [...SECTIONS], activationSamples: 5, recipeRepeats: 3, uiSamples: 3, cachedHovers: 40, activationMethods: values['activation-methods'] ?? false };
  if (values.only !== undefined) {
    const names = values.only.split(',').map((name) => name.trim()).filter(Boolean);
    const unknown = names.filter((name) => !(SECTIONS as readonly string[]).includes(name));
    if (names.length === 0 || unknown.length) throw new UsageError(`--only takes sections from: ${SECTIONS.join(', ')}${unknown.length ? ` (not ${unknown.join(', ')})` : ''}`);
    options.only = SECTIONS.filter((name) => names.includes(name)) as SectionName[];
  }
  if (values.samples !== undefined) options.activationSamples = integer('--samples', values.samples, 1, 50);
  if (values.repeats !== undefined) options.recipeRepeats = integer('--repeats', values.repeats, 1, 20);
  if (values['ui-samples'] !== undefined) options.uiSamples = integer('--ui-samples', values['ui-samples'], 1, 20);
  if (values.hovers !== undefined) options.cachedHovers = integer('--hovers', values.hovers, 5, 500);
  return options;
}

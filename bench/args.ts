// Command-line options of `npm run bench`. Pure: unit-tested in test/unit/bench-tools.test.ts.
import { SECTIONS, type BenchOptions, type SectionName } from './context';

export const USAGE = `usage: npm run bench -- [--only SECTION[,SECTION...]] [--samples N] [--repeats N] [--ui-samples N] [--hovers N] [--activation-methods]
  --only        sections to run (default all): ${SECTIONS.join(', ')}
  --samples     cold extension hosts per extension for the activation figure (default 7)
  --repeats     timings of each recipe per latency (default 3)
  --ui-samples  tree samples per latency and document opens per kind (default 4)
  --hovers      hovers answered from the cache (default 40)
  --activation-methods  also time our activation the two ways the old bench did (view opened right
                after the window loaded; view restored by a reload), to compare with the figure`;

export class UsageError extends Error {}

function integer(flag: string, text: string | undefined, min: number, max: number): number {
  const value = Number(text);
  if (text === undefined || !Number.isInteger(value) || value < min || value > max) throw new UsageError(`${flag} must be an integer from ${min} to ${max}`);
  return value;
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const options: BenchOptions = { only: [...SECTIONS], activationSamples: 7, recipeRepeats: 3, uiSamples: 4, cachedHovers: 40, activationMethods: false };
  for (let index = 0; index < argv.length; index++) {
    const [flag, inline] = argv[index].includes('=') ? [argv[index].slice(0, argv[index].indexOf('=')), argv[index].slice(argv[index].indexOf('=') + 1)] : [argv[index], undefined];
    const value = () => inline ?? argv[++index];
    switch (flag) {
      case '--only': {
        const names = (value() ?? '').split(',').map((name) => name.trim()).filter(Boolean);
        const unknown = names.filter((name) => !(SECTIONS as readonly string[]).includes(name));
        if (names.length === 0 || unknown.length) throw new UsageError(`--only takes sections from: ${SECTIONS.join(', ')}${unknown.length ? ` (not ${unknown.join(', ')})` : ''}`);
        options.only = SECTIONS.filter((name) => names.includes(name)) as SectionName[];
        break;
      }
      case '--samples':
        options.activationSamples = integer(flag, value(), 1, 50);
        break;
      case '--repeats':
        options.recipeRepeats = integer(flag, value(), 1, 20);
        break;
      case '--ui-samples':
        options.uiSamples = integer(flag, value(), 1, 20);
        break;
      case '--hovers':
        options.cachedHovers = integer(flag, value(), 5, 500);
        break;
      case '--activation-methods':
        options.activationMethods = true;
        break;
      case '--help':
      case '-h':
        throw new UsageError('');
      default:
        throw new UsageError(`unknown option ${argv[index]}`);
    }
  }
  return options;
}

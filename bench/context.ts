// What every benchmark section gets, and what it gives back.
import type { Row } from './report';

export const SECTIONS = ['sizes', 'activation', 'recipes', 'tree', 'hovers', 'documents', 'memory'] as const;
export type SectionName = (typeof SECTIONS)[number];

export interface BenchOptions {
  /** Sections to run, in SECTIONS order. */
  only: SectionName[];
  /** Cold extension hosts per extension for the activation figure. */
  activationSamples: number;
  /** Repetitions of each recipe timing per latency. */
  recipeRepeats: number;
  /** Samples per latency for the tree timings, and per kind for the documents. */
  uiSamples: number;
  /** Hovers answered from the cache. */
  cachedHovers: number;
  /** Also sample our activation the ways the old bench did (evidence for why its figure was higher). */
  activationMethods: boolean;
}

export interface BenchContext {
  root: string;
  options: BenchOptions;
  /** The packaged extension, unpacked from the .vsix (what users install). */
  extensionDir: string;
  /** Scratch folder of this run (deleted at the end). */
  tempDir: string;
  /** Bundled server CLI (test/server/cli.ts) for sections that run it as a process. */
  serverCli: string;
  log(line: string): void;
}

export interface SectionResult {
  rows: Row[];
  /** Everything measured, for .bench/*.json. */
  data: Record<string, unknown>;
}

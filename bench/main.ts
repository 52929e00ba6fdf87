// `npm run bench` (bench/run.js bundles this file and calls main): measurements of what users
// wait for, printed as a table and written to .bench/bench-<time>.json, .bench/latest.json and
// .bench/latest.md. A benchmark, not a test: it fails only when it cannot measure.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureToolchain, REPO_ROOT } from '../test/e2e/harness/paths';
import { parseBenchArgs, UsageError, USAGE } from './args';
import { SECTIONS, type BenchContext, type SectionName, type SectionResult } from './context';
import { markdownTable, textTable, timeRows, type Row, type SectionTime } from './report';
import { benchActivation } from './sections/activation';
import { benchDocuments } from './sections/documents';
import { benchHovers } from './sections/hovers';
import { benchMemory } from './sections/memory';
import { benchRecipes } from './sections/recipes';
import { benchSizes } from './sections/sizes';
import { benchTree } from './sections/tree';

/** The issue's budget for the whole run on this machine. */
const BUDGET_MINUTES = 15;

function log(line: string): void {
  process.stdout.write(`bench: ${line}\n`);
}

function packageExtension(tempDir: string): { extensionDir: string; vsix: string; main: string } {
  log('npm run package ...');
  const pack = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'package.js')], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (pack.status !== 0) throw new Error(`npm run package failed:\n${pack.stdout}${pack.stderr}`);
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string; version: string; main: string };
  const vsix = path.join(REPO_ROOT, `${manifest.name}-${manifest.version}.vsix`);
  // Install exactly what the .vsix holds (not dist/, which another build may rewrite meanwhile).
  const unpacked = path.join(tempDir, 'vsix');
  const unzip = spawnSync('unzip', ['-q', '-o', vsix, 'extension/*', '-d', unpacked], { encoding: 'utf8' });
  if (unzip.status !== 0) throw new Error(`cannot unzip the .vsix: ${unzip.stderr || unzip.error}`);
  return { extensionDir: path.join(unpacked, 'extension'), vsix, main: manifest.main };
}

function machine(): { cpus: number; cpuModel: string; memoryGB: number; os: string; node: string; codeServer: string } {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGB: Math.round(os.totalmem() / 1e9),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    codeServer: '4.139.1',
  };
}

export async function main(argv: string[], serverCli: string): Promise<number> {
  let options;
  try {
    options = parseBenchArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message ? `bench: ${error.message}\n` : ''}${USAGE}\n`);
      return error.message ? 2 : 0;
    }
    throw error;
  }
  const started = Date.now();
  const loadAverageAtStart = os.loadavg();
  // The commit that is packaged and measured (HEAD may move while a long run goes on).
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).stdout.trim();
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fused-runs-bench-'));
  const rows: Row[] = [];
  const sections: Record<string, unknown> = {};
  const durations: Record<string, number> = {};
  const times: SectionTime[] = [];
  const errors: Record<string, string> = {};
  try {
    const needsBuild = options.only.some((name) => name !== 'recipes');
    const packaged = needsBuild ? packageExtension(tempDir) : undefined;
    if (options.only.some((name) => !['recipes', 'sizes'].includes(name))) ensureToolchain();
    const ctx: BenchContext = { root: REPO_ROOT, options, extensionDir: packaged?.extensionDir ?? '', tempDir, serverCli, log };
    const run: Record<SectionName, () => Promise<SectionResult> | SectionResult> = {
      sizes: () => benchSizes(packaged!.extensionDir, packaged!.vsix, packaged!.main),
      activation: () => benchActivation(ctx),
      recipes: () => benchRecipes(ctx),
      tree: () => benchTree(ctx),
      hovers: () => benchHovers(ctx),
      documents: () => benchDocuments(ctx),
      memory: () => benchMemory(ctx),
    };
    for (const name of options.only) {
      const sectionStarted = Date.now();
      const loadAtStart = os.loadavg()[0];
      log(`--- ${name} (load average ${loadAtStart.toFixed(1)})`);
      try {
        const result = await run[name]();
        rows.push(...result.rows);
        sections[name] = result.data;
      } catch (error) {
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        errors[name] = message;
        rows.push({ section: name, metric: 'could not measure', value: message.split('\n')[0].slice(0, 160) });
        process.stderr.write(`bench: ${name} failed: ${message}\n`);
      }
      durations[name] = Math.round((Date.now() - sectionStarted) / 1000);
      times.push({ section: name, seconds: durations[name], loadAtStart: Math.round(loadAtStart * 100) / 100 });
      log(`--- ${name} took ${durations[name]} s`);
    }
  } finally {
    fs.rmSync(tempDir, { recursive: true, force: true });
  }

  const durationSeconds = Math.round((Date.now() - started) / 1000);
  // Where the time went, in the table itself: the issue's budget is for the whole run.
  rows.push(...timeRows(times, durationSeconds, BUDGET_MINUTES, SECTIONS.every((name) => options.only.includes(name))));
  const result = {
    date: new Date().toISOString(),
    version: (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version,
    commit,
    machine: { ...machine(), loadAverageAtStart: loadAverageAtStart.map((value) => Math.round(value * 100) / 100), loadAverageAtEnd: os.loadavg().map((value) => Math.round(value * 100) / 100) },
    options,
    durationSeconds,
    durationsSeconds: durations,
    sectionTimes: times,
    budgetMinutes: BUDGET_MINUTES,
    rows,
    sections,
    errors,
  };
  const outDir = path.join(REPO_ROOT, '.bench');
  fs.mkdirSync(outDir, { recursive: true });
  const outFile = path.join(outDir, `bench-${result.date.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(outFile, JSON.stringify(result, null, 2) + '\n');
  fs.writeFileSync(path.join(outDir, 'latest.json'), JSON.stringify(result, null, 2) + '\n');
  const loadLine = `load average (1/5/15 min) at start ${result.machine.loadAverageAtStart.join(' / ')}, at end ${result.machine.loadAverageAtEnd.join(' / ')}, on ${result.machine.cpus} cores`;
  fs.writeFileSync(path.join(outDir, 'latest.md'), `${markdownTable(rows)}\n${result.date}, commit ${result.commit}; ${loadLine}; ${durationSeconds} s.\n`);
  process.stdout.write(`\n${textTable(rows)}\n${loadLine}\n`);
  process.stdout.write(`bench: ${durationSeconds} s${durationSeconds > BUDGET_MINUTES * 60 ? ` (OVER the ${BUDGET_MINUTES}-minute budget)` : ''}; results in ${path.relative(REPO_ROOT, outFile)}, .bench/latest.json, .bench/latest.md\n`);
  return Object.keys(errors).length ? 1 : 0;
}

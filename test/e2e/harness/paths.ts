// Where things live: the repository root (found from this file, compiled or not), the toolchain
// installed by scripts/toolchain.js, and the per-run folders under .e2e-runs/.
import * as fs from 'node:fs';
import * as path from 'node:path';

function findRepoRoot(start: string): string {
  let dir = start;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      const parsed = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string };
      if (parsed.name === 'fused-runs') return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the fused-runs repository root above ${start}`);
    dir = parent;
  }
}

/** Absolute path of the repository (the folder with the fused-runs package.json). */
export const REPO_ROOT = findRepoRoot(__dirname);

/** What scripts/toolchain.js returns; see that file. */
export interface ToolchainPaths {
  cacheDir: string;
  nodeBin: string;
  nodeHeadersDir: string;
  codeServerEntry: string;
  chromiumPath: string;
}

interface ToolchainModule {
  ensureToolchain(): ToolchainPaths;
}

let toolchain: ToolchainPaths | undefined;

/** Installs the toolchain on first use (minutes, once per cache) and returns its paths. */
export function ensureToolchain(): ToolchainPaths {
  if (!toolchain) {
    // scripts/ is plain JS shared with the npm scripts, so it is loaded at run time.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require(path.join(REPO_ROOT, 'scripts', 'toolchain.js')) as ToolchainModule;
    toolchain = module.ensureToolchain();
  }
  return toolchain;
}

/** A fresh, unique folder for one workbench or ext-host run: .e2e-runs/<timestamp>-<pid>-<n>-<label>/ */
let runCounter = 0;
const RUNS_DIR = path.join(REPO_ROOT, '.e2e-runs');
const KEEP_RUNS_MS = 24 * 3600_000;

/** Run folders older than a day go (logs of recent failures stay for a look). */
function pruneOldRuns(): void {
  if (!fs.existsSync(RUNS_DIR)) return;
  const cutoff = Date.now() - KEEP_RUNS_MS;
  for (const entry of fs.readdirSync(RUNS_DIR, { withFileTypes: true })) {
    if (!entry.isDirectory() || !/^\d{4}-\d{2}-\d{2}T/.test(entry.name)) continue;
    const dir = path.join(RUNS_DIR, entry.name);
    try {
      if (fs.statSync(dir).mtimeMs < cutoff) fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // another process removed it first
    }
  }
}

/** Removes the browser profile of a finished run (30-40 MB of Chromium caches; nothing to read there). */
export function removeBrowserProfile(runDir: string): void {
  fs.rmSync(path.join(runDir, 'browser-profile'), { recursive: true, force: true });
}

export function createRunDir(label: string): string {
  if (runCounter === 0) pruneOldRuns();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const safeLabel = label.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 60);
  const dir = path.join(RUNS_DIR, `${stamp}-${process.pid}-${++runCounter}-${safeLabel}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Failure screenshots and other artefacts worth keeping: test-results/ (ignored by git). */
export const TEST_RESULTS_DIR = path.join(REPO_ROOT, 'test-results');

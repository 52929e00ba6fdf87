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
export function createRunDir(label: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const safeLabel = label.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 60);
  const dir = path.join(REPO_ROOT, '.e2e-runs', `${stamp}-${process.pid}-${++runCounter}-${safeLabel}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Failure screenshots and other artefacts worth keeping: test-results/ (ignored by git). */
export const TEST_RESULTS_DIR = path.join(REPO_ROOT, 'test-results');

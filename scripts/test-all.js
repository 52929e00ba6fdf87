#!/usr/bin/env node
// `npm test`: every check of the project, in order, with counts.
//   toolchain -> build -> compile tests -> typecheck -> lint -> unit -> contract -> e2e UI -> ext-host
// Output of each stage streams live; at the end a table of stages and one line
// `N passed, N failed[, N skipped]` (tests only; a failing non-test stage counts as one failure).
// No stage is skipped silently: a stage that cannot run (e.g. the build failed before the e2e
// suites) is reported as "blocked" and counted as a failure. Exit code 1 on any failure.
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const TAP_DIR = path.join(ROOT, 'test-results', 'tap');
const STAGE_TIMEOUT_MS = 30 * 60 * 1000;

/** @typedef {{ name: string, status: 'passed'|'failed'|'blocked'|'absent', passed: number, failed: number, skipped: number, seconds: number, note?: string }} StageResult */
/** @type {StageResult[]} */
const results = [];

function banner(text) {
  process.stdout.write(`\n\x1b[1m=== ${text} ===\x1b[0m\n`);
}

/** Runs a command with inherited stdio; resolves with its exit code (or 1 on timeout/spawn error). */
function runCommand(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', ...options });
    const timer = setTimeout(() => {
      process.stderr.write(`\n[test-all] ${command} ${args.join(' ')} timed out after ${STAGE_TIMEOUT_MS / 60000} min; killing pid ${child.pid}\n`);
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    }, STAGE_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      process.stderr.write(`[test-all] cannot run ${command}: ${error.message}\n`);
      resolve(1);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

/** Like runCommand but also captures stdout (still echoed) for parsing. */
function runCapturing(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], ...options });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    const timer = setTimeout(() => {
      process.stderr.write(`\n[test-all] ${command} timed out; killing pid ${child.pid}\n`);
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    }, STAGE_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: 1, output: `${output}\n${error.message}` });
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 1 : 0), output });
    });
  });
}

async function stage(name, fn) {
  banner(name);
  const started = Date.now();
  /** @type {Partial<StageResult>} */
  let outcome;
  try {
    outcome = await fn();
  } catch (error) {
    if (error && error.missingDebianPackages) {
      // Not root and Chromium/libkrb5-dev missing: stop here with the one line saying what to install.
      process.stderr.write(`fused-runs: ${error.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`[test-all] ${name}: ${error && error.stack ? error.stack : error}\n`);
    outcome = { status: 'failed', failed: 1, note: String(error && error.message ? error.message : error).split('\n')[0] };
  }
  const result = { name, passed: 0, failed: 0, skipped: 0, ...outcome, seconds: (Date.now() - started) / 1000 };
  results.push(/** @type {StageResult} */ (result));
  return result;
}

function blocked(name, reason) {
  banner(`${name} (blocked)`);
  process.stdout.write(`[test-all] ${name} cannot run: ${reason}\n`);
  results.push({ name, status: 'blocked', passed: 0, failed: 1, skipped: 0, seconds: 0, note: reason });
}

/** A check that is not a test suite: passes or counts as one failure. */
async function checkStage(name, command, args) {
  return stage(name, async () => {
    const code = await runCommand(command, args);
    return code === 0 ? { status: 'passed' } : { status: 'failed', failed: 1, note: `exit code ${code}` };
  });
}

/** Compiled test files whose TypeScript source still exists (out/ may hold stale files from deleted tests). */
function compiledTests(relativeDir, root = ROOT) {
  const sourceDir = path.join(root, relativeDir);
  if (!fs.existsSync(sourceDir)) return [];
  const files = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.test.ts')) files.push(path.join(root, 'out', path.relative(root, full)).replace(/\.ts$/, '.js'));
    }
  };
  walk(sourceDir);
  return files.sort();
}

function parseTapCounts(text) {
  const count = (key) => {
    const matches = [...text.matchAll(new RegExp(`^# ${key} (\\d+)$`, 'gm'))];
    return matches.length ? Number(matches[matches.length - 1][1]) : undefined;
  };
  return { pass: count('pass'), fail: count('fail'), skipped: count('skipped'), todo: count('todo'), cancelled: count('cancelled'), tests: count('tests') };
}

/** node --test over the compiled files of `relativeDir`; spec to the console, TAP to a file for the counts. */
async function nodeTestStage(name, relativeDir, { required, extraArgs = [] }) {
  const files = compiledTests(relativeDir);
  if (files.length === 0) {
    if (required) return stage(name, async () => ({ status: 'failed', failed: 1, note: `no *.test.ts under ${relativeDir}` }));
    banner(name);
    process.stdout.write(`[test-all] no *.test.ts under ${relativeDir}: nothing to run\n`);
    results.push({ name, status: 'absent', passed: 0, failed: 0, skipped: 0, seconds: 0, note: `no tests under ${relativeDir}` });
    return undefined;
  }
  return stage(name, async () => {
    const missing = files.filter((file) => !fs.existsSync(file));
    if (missing.length) return { status: 'failed', failed: missing.length, note: `not compiled: ${missing.map((f) => path.relative(ROOT, f)).join(', ')}` };
    fs.mkdirSync(TAP_DIR, { recursive: true });
    const tapFile = path.join(TAP_DIR, `${name.replace(/[^a-z0-9]+/gi, '-')}.tap`);
    fs.rmSync(tapFile, { force: true });
    const code = await runCommand(process.execPath, [
      '--test',
      ...extraArgs,
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
      ...files,
    ]);
    const tap = fs.existsSync(tapFile) ? fs.readFileSync(tapFile, 'utf8') : '';
    const counts = parseTapCounts(tap);
    if (counts.pass === undefined || counts.fail === undefined) {
      return { status: 'failed', failed: 1, note: `no test counts in the report (exit code ${code})` };
    }
    const failed = counts.fail + (counts.cancelled ?? 0);
    const skipped = (counts.skipped ?? 0) + (counts.todo ?? 0);
    const status = code === 0 && failed === 0 ? 'passed' : 'failed';
    // A non-zero exit with no failed test (e.g. a crashing file) still fails the stage.
    return { status, passed: counts.pass, failed: status === 'failed' && failed === 0 ? 1 : failed, skipped, note: status === 'failed' && failed === 0 ? `exit code ${code}` : undefined };
  });
}

function printSummary() {
  const header = ['stage', 'result', 'passed', 'failed', 'skipped', 'time'];
  const rows = results.map((r) => [r.name, r.status, String(r.passed), String(r.failed), String(r.skipped), `${r.seconds.toFixed(1)} s`]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => cells.map((cell, i) => (i === 0 || i === 1 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  process.stdout.write(`\n\x1b[1m=== summary ===\x1b[0m\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  for (const row of rows) process.stdout.write(`${line(row)}\n`);
  for (const r of results) if (r.note && r.status !== 'passed') process.stdout.write(`  ${r.name}: ${r.note}\n`);
  const passed = results.reduce((sum, r) => sum + r.passed, 0);
  const failed = results.reduce((sum, r) => sum + r.failed, 0);
  const skipped = results.reduce((sum, r) => sum + r.skipped, 0);
  const total = results.reduce((sum, r) => sum + r.seconds, 0);
  process.stdout.write(`total time ${total.toFixed(1)} s\n`);
  process.stdout.write(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  return failed;
}

async function main() {
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const eslint = path.join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');

  const toolchain = await stage('toolchain', async () => {
    const { ensureToolchain } = require('./toolchain');
    const paths = ensureToolchain();
    process.stdout.write(`node 24: ${paths.nodeBin}\ncode-server: ${paths.codeServerEntry}\nchromium: ${paths.chromiumPath}\n`);
    return { status: 'passed' };
  });
  const build = await checkStage('build', process.execPath, ['esbuild.js']);
  const compile = await checkStage('compile tests', process.execPath, [tsc, '-p', 'tsconfig.test.json']);
  await checkStage('typecheck', 'npm', ['run', '--silent', 'typecheck']);
  const eslintConfig = ['eslint.config.js', 'eslint.config.mjs', 'eslint.config.cjs', 'eslint.config.ts'].find((file) => fs.existsSync(path.join(ROOT, file)));
  if (eslintConfig) await checkStage('lint', process.execPath, [eslint, '.']);
  else results.push({ name: 'lint', status: 'absent', passed: 0, failed: 0, skipped: 0, seconds: 0, note: 'no eslint.config.* in the repository' });

  // tsc emits even with type errors, so tests run after a failed compile unless nothing was emitted.
  const compiledAnything = fs.existsSync(path.join(ROOT, 'out', 'test'));
  if (compiledAnything) {
    await nodeTestStage('unit', 'test/unit', { required: true });
    await nodeTestStage('contract', 'test/contract', { required: false, extraArgs: ['--test-concurrency=1'] });
  } else {
    blocked('unit', `compile tests failed (${compile.note})`);
    blocked('contract', `compile tests failed (${compile.note})`);
  }

  const e2eBlocker =
    toolchain.status !== 'passed' ? `the toolchain is not installed (${toolchain.note})`
    : build.status !== 'passed' ? 'the extension did not build'
    : !compiledAnything ? 'the tests did not compile'
    : undefined;
  if (e2eBlocker) {
    blocked('e2e ui', e2eBlocker);
    blocked('e2e ext-host', e2eBlocker);
  } else {
    await nodeTestStage('e2e ui', 'test/e2e/ui', { required: true, extraArgs: ['--test-concurrency=1'] });
    await stage('e2e ext-host', async () => {
      const runner = path.join(ROOT, 'out', 'test', 'e2e', 'harness', 'exthost.js');
      const { code, output } = await runCapturing(process.execPath, [runner]);
      const read = (key) => {
        const match = output.match(new RegExp(`^# exthost ${key} (\\d+)$`, 'm'));
        return match ? Number(match[1]) : undefined;
      };
      const passed = read('pass');
      const failed = read('fail');
      if (passed === undefined || failed === undefined) return { status: 'failed', failed: 1, note: `no counts from the ext-host run (exit code ${code})` };
      const ok = code === 0 && failed === 0;
      return { status: ok ? 'passed' : 'failed', passed, failed: ok ? 0 : Math.max(failed, 1), skipped: read('skipped') ?? 0 };
    });
  }

  const failed = printSummary();
  process.exit(failed > 0 ? 1 : 0);
}

module.exports = { parseTapCounts, compiledTests };

if (require.main === module) {
  try {
    // No options: say so instead of ignoring what was typed.
    require('node:util').parseArgs({ strict: true, allowPositionals: false, options: {} });
  } catch (error) {
    process.stderr.write(`[test-all] ${error.message}\nusage: npm test   (every stage; for one suite see npm run test:unit, test:contract, e2e:ui, e2e:exthost)\n`);
    process.exit(2);
  }
  main().catch((error) => {
    process.stderr.write(`[test-all] ${error.stack || error}\n`);
    process.exit(1);
  });
}

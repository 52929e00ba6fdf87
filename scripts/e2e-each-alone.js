#!/usr/bin/env node
// Runs every UI end-to-end test by itself, one after the other, each in a fresh workbench:
//   node --test --test-name-pattern '^<its name>$' out/test/e2e/ui/<file>.test.js
// so a test that only passes after the tests before it (state left behind) shows up. Test names
// are read from the TypeScript sources (it('...') / test('...')). Needs `npm run e2e:build` first.
//   node scripts/e2e-each-alone.js                  # every test of every UI file (about an hour)
//   node scripts/e2e-each-alone.js --file tree      # the tests of test/e2e/ui/tree.test.ts
// Prints one line per test and a summary; exit code 1 if any test failed or did not run alone.
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');

const ROOT = path.resolve(__dirname, '..');
const UI_DIR = path.join(ROOT, 'test', 'e2e', 'ui');

function readOptions(argv) {
  try {
    return parseArgs({ args: argv, strict: true, allowPositionals: false, options: { file: { type: 'string', multiple: true } } }).values;
  } catch (error) {
    process.stderr.write(`e2e-each-alone: ${error.message}\nusage: node scripts/e2e-each-alone.js [--file tree] [--file webview ...]\n`);
    process.exit(2);
  }
}

/** The names of the tests in a test file: the string literal each it(...)/test(...) starts with. */
function testNames(source) {
  const names = [];
  const pattern = /\b(?:it|test)\(\s*(['"`])((?:\\.|(?!\1).)*)\1/g;
  for (const match of source.matchAll(pattern)) names.push(JSON.parse(`"${match[2].replace(/\\'/g, "'").replace(/"/g, '\\"')}"`));
  return names;
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Runs one test alone; resolves with the TAP counts and how long it took. */
function runAlone(compiled, name) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=tap', `--test-name-pattern=^${escapeRegExp(name)}$`, compiled], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => {
      const count = (label) => Number(new RegExp(`^# ${label} (\\d+)$`, 'm').exec(output)?.[1] ?? NaN);
      resolve({ code, pass: count('pass'), fail: count('fail'), seconds: Math.round((Date.now() - started) / 1000), output });
    });
  });
}

async function main() {
  const { file: only } = readOptions(process.argv.slice(2));
  const files = fs.readdirSync(UI_DIR).filter((f) => f.endsWith('.test.ts')).sort().filter((f) => !only || only.includes(f.replace(/\.test\.ts$/, '')));
  if (files.length === 0) throw new Error(`no UI test file matches ${JSON.stringify(only)}`);
  const results = [];
  for (const file of files) {
    const compiled = path.join(ROOT, 'out', 'test', 'e2e', 'ui', file.replace(/\.ts$/, '.js'));
    if (!fs.existsSync(compiled)) throw new Error(`${path.relative(ROOT, compiled)} is missing: run npm run e2e:build`);
    for (const name of testNames(fs.readFileSync(path.join(UI_DIR, file), 'utf8'))) {
      const result = await runAlone(compiled, name);
      // Alone means: exactly this test ran, and it passed.
      const ok = result.code === 0 && result.pass === 1 && result.fail === 0;
      results.push({ file, name, ok, ...result });
      process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${file} › ${name} (${result.seconds} s${ok ? '' : `, exit ${result.code}, pass ${result.pass}, fail ${result.fail}`})\n`);
      if (!ok) process.stdout.write(`${result.output.split('\n').filter((line) => /not ok|Error|error:|expected|actual/.test(line)).slice(0, 12).join('\n')}\n`);
    }
  }
  const failed = results.filter((r) => !r.ok);
  process.stdout.write(`\n${results.length} tests run alone in ${files.length} files: ${results.length - failed.length} passed, ${failed.length} failed (${Math.round(results.reduce((s, r) => s + r.seconds, 0) / 60)} min)\n`);
  process.exit(failed.length ? 1 : 0);
}

main().catch((error) => {
  process.stderr.write(`e2e-each-alone: ${error.stack || error}\n`);
  process.exit(1);
});

// Entry point the extension host loads (extensionTestsPath): runs every *.test.js mocha suite
// (BDD: describe/it) next to this file inside code-server's real extension host, then writes
// the counts to the file named by FUSED_RUNS_EXTHOST_RESULT for the harness to read.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

/** Lines with this prefix are what the harness echoes; the rest of the workbench log goes to a file. */
const PREFIX = '[fused-exthost]';

function say(line: string): void {
  console.log(`${PREFIX} ${line}`);
}

interface Failure {
  title: string;
  error: string;
}

export async function run(): Promise<void> {
  const grep = process.env.FUSED_RUNS_EXTHOST_GREP;
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: Mocha.reporters.Base, ...(grep ? { grep } : {}) });
  // out/ can keep compiled files of deleted tests: run only those whose TypeScript source exists.
  const sourceDir = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'e2e', 'exthost');
  const files = fs
    .readdirSync(__dirname)
    .filter((file) => file.endsWith('.test.js'))
    .filter((file) => !fs.existsSync(sourceDir) || fs.existsSync(path.join(sourceDir, file.replace(/\.js$/, '.ts'))))
    .sort();
  if (files.length === 0) throw new Error(`no extension-host test files (*.test.js) in ${__dirname}`);
  for (const file of files) mocha.addFile(path.join(__dirname, file));

  const failures: Failure[] = [];
  let passed = 0;
  let pending = 0;
  await new Promise<void>((resolve) => {
    const runner = mocha.run(() => resolve());
    runner.on('suite', (suite) => {
      if (suite.title) say(suite.titlePath().join(' › '));
    });
    runner.on('pass', (test) => {
      passed++;
      say(`  ok ${test.title} (${test.duration ?? 0} ms)`);
    });
    runner.on('pending', (test) => {
      pending++;
      say(`  skipped ${test.title}`);
    });
    runner.on('fail', (test, error: Error) => {
      failures.push({ title: test.fullTitle(), error: error.stack ?? String(error) });
      say(`  FAILED ${test.title}: ${error.message}`);
    });
  });

  const resultFile = process.env.FUSED_RUNS_EXTHOST_RESULT;
  if (resultFile) {
    fs.writeFileSync(resultFile, JSON.stringify({ passed, failed: failures.length, pending, failures }, null, 2));
  }
  say(`${passed} passed, ${failures.length} failed, ${pending} skipped`);
  if (failures.length > 0) throw new Error(`${failures.length} extension-host test(s) failed`);
}

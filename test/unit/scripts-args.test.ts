// The project's command-line scripts read their arguments with node:util parseArgs: every option
// the README documents is accepted, and an unknown option or a stray word stops the script at
// once (exit 2) with a message naming it and the usage, before any work starts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'node:test';

const REPO = path.resolve(__dirname, '..', '..', '..');

function run(script: string, args: string[]): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [path.join(REPO, script), ...args], { cwd: REPO, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stderr: result.stderr };
}

describe('script arguments (util.parseArgs)', () => {
  const scripts = ['esbuild.js', 'scripts/demo.js', 'scripts/package.js', 'scripts/test-all.js', 'scripts/toolchain.js', 'bench/run.js', 'out/test/server/cli.js', 'out/test/e2e/harness/exthost.js'];
  for (const script of scripts) {
    it(`${script}: an unknown option exits 2 naming it, with the usage`, () => {
      const { status, stderr } = run(script, ['--no-such-option']);
      assert.equal(status, 2, stderr);
      assert.match(stderr, /Unknown option '--no-such-option'/);
      assert.match(stderr, /usage/i);
    });
  }

  it('stray words are refused where a script takes none', () => {
    for (const script of ['esbuild.js', 'scripts/demo.js', 'scripts/package.js', 'bench/run.js', 'out/test/server/cli.js']) {
      const { status, stderr } = run(script, ['stray']);
      assert.equal(status, 2, `${script}: ${stderr}`);
      assert.match(stderr, /Unexpected argument 'stray'/, script);
    }
  });

  it('demo: the README\'s options parse to what they say; bad values are refused', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { readOptions } = require(path.join(REPO, 'scripts', 'demo.js')) as { readOptions(argv: string[]): Record<string, unknown> };
    assert.deepEqual(readOptions([]), { port: 8080, records: 2000, seed: 42, token: undefined, screenshot: undefined });
    assert.deepEqual(readOptions(['--port', '9000', '--records', '5000', '--seed', '7']), { port: 9000, records: 5000, seed: 7, token: undefined, screenshot: undefined });
    assert.equal(readOptions(['--screenshot', 'demo.png']).screenshot, path.join(REPO, 'demo.png'));
    assert.equal(readOptions(['--port=9001']).port, 9001);
    for (const [args, message] of [
      [['--port', '70000'], /--port must be an integer from 1 to 65535, got "70000"/],
      [['--records', 'many'], /--records must be an integer/],
      [['--port'], /Option '--port <value>' argument missing/],
    ] as const) {
      const { status, stderr } = run('scripts/demo.js', [...args]);
      assert.equal(status, 2, stderr);
      assert.match(stderr, message);
    }
  });

  it('bench --samples and the server\'s numbers are range-checked', () => {
    assert.match(run('bench/run.js', ['--samples', '0']).stderr, /--samples must be an integer from 1 to 50, got "0"/);
    assert.match(run('out/test/server/cli.js', ['--seed', '-5']).stderr, /argument is ambiguous[\s\S]*--seed=-XYZ/);
  });
});

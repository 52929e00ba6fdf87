// The plain-JS build scripts behind `npm test` (scripts/test-all.js, scripts/toolchain.js): the
// parts that decide pass/fail and what to tell a user, without installing anything.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';

const REPO = path.resolve(__dirname, '..', '..', '..');

interface TapCounts {
  pass?: number;
  fail?: number;
  skipped?: number;
  todo?: number;
  cancelled?: number;
  tests?: number;
}
interface TestAllModule {
  parseTapCounts(text: string): TapCounts;
  compiledTests(relativeDir: string, root?: string): string[];
}
interface ToolchainModule {
  missingDebianPackages(packages?: string[]): string[];
  ensureDebianPackages(packages?: string[], isRoot?: boolean): void;
  specHash(): string;
  DEBIAN_PACKAGES: string[];
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const testAll = require(path.join(REPO, 'scripts', 'test-all.js')) as TestAllModule;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const toolchain = require(path.join(REPO, 'scripts', 'toolchain.js')) as ToolchainModule;

describe('test-all: reading node --test TAP counts', () => {
  it('takes the final summary of a TAP report', () => {
    const tap = ['TAP version 13', '# Subtest: a', 'ok 1 - a', '# tests 7', '# suites 0', '# pass 5', '# fail 1', '# cancelled 1', '# skipped 0', '# todo 0', ''].join('\n');
    assert.deepEqual(testAll.parseTapCounts(tap), { pass: 5, fail: 1, skipped: 0, todo: 0, cancelled: 1, tests: 7 });
  });

  it('ignores "# pass" inside test output lines and uses the last summary line', () => {
    const tap = ['# Subtest: prints # pass 99 in its name', '    # pass 1', '# pass 3', '# fail 0', ''].join('\n');
    const counts = testAll.parseTapCounts(tap);
    assert.equal(counts.pass, 3);
    assert.equal(counts.fail, 0);
  });

  it('reports missing counts as undefined, so a crashed run cannot pass', () => {
    const counts = testAll.parseTapCounts('TAP version 13\nBail out!\n');
    assert.equal(counts.pass, undefined);
    assert.equal(counts.fail, undefined);
  });
});

describe('test-all: which compiled files to run', () => {
  it('maps each *.test.ts source to its out/ file and ignores stale compiled tests', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fused-test-all-'));
    try {
      fs.mkdirSync(path.join(root, 'test', 'unit', 'nested'), { recursive: true });
      fs.writeFileSync(path.join(root, 'test', 'unit', 'b.test.ts'), '');
      fs.writeFileSync(path.join(root, 'test', 'unit', 'helper.ts'), '');
      fs.writeFileSync(path.join(root, 'test', 'unit', 'nested', 'a.test.ts'), '');
      fs.mkdirSync(path.join(root, 'out', 'test', 'unit'), { recursive: true });
      fs.writeFileSync(path.join(root, 'out', 'test', 'unit', 'deleted.test.js'), '');
      assert.deepEqual(testAll.compiledTests('test/unit', root), [
        path.join(root, 'out', 'test', 'unit', 'b.test.js'),
        path.join(root, 'out', 'test', 'unit', 'nested', 'a.test.js'),
      ]);
      assert.deepEqual(testAll.compiledTests('test/none', root), []);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('toolchain: Debian packages', () => {
  it('needs chromium and libkrb5-dev', () => {
    assert.deepEqual([...toolchain.DEBIAN_PACKAGES].sort(), ['chromium', 'libkrb5-dev']);
  });

  it('finds a package that is not installed', () => {
    assert.deepEqual(toolchain.missingDebianPackages(['fused-runs-no-such-package']), ['fused-runs-no-such-package']);
  });

  it('stops a non-root user with one line naming what to install', () => {
    assert.throws(
      () => toolchain.ensureDebianPackages(['fused-runs-no-such-package'], false),
      (error: Error & { missingDebianPackages?: string[] }) => {
        assert.equal(error.message.includes('\n'), false, 'the message is one line');
        assert.match(error.message, /apt-get install -y fused-runs-no-such-package/);
        assert.deepEqual(error.missingDebianPackages, ['fused-runs-no-such-package']);
        return true;
      },
    );
  });

  it('hashes the committed toolchain manifests and lockfiles (the stamp key)', () => {
    const hash = toolchain.specHash();
    assert.match(hash, /^[0-9a-f]{64}$/);
    assert.equal(toolchain.specHash(), hash);
    const lock = JSON.parse(fs.readFileSync(path.join(REPO, 'scripts', 'toolchain', 'code-server', 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string }>;
    };
    assert.equal(lock.packages['node_modules/code-server']?.version, '4.139.1', 'code-server is pinned to 4.139.1');
  });
});

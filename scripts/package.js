#!/usr/bin/env node
// `npm run package`: production bundle (minified, no source maps) + `vsce package --no-dependencies`
// -> fused-runs-<version>.vsix in the repository root. .vscodeignore keeps only package.json,
// dist/, media/ and the docs in it.
//   npm run package -- --verify   also installs the .vsix into a throwaway code-server
//                                 (--install-extension) and checks --list-extensions shows it.
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');

const ROOT = path.resolve(__dirname, '..');

function run(label, command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
  process.stdout.write(result.stdout || '');
  process.stderr.write(result.stderr || '');
  if (result.status !== 0) {
    process.stderr.write(`package: ${label} failed (exit ${result.status ?? result.signal})\n`);
    process.exit(1);
  }
  return result.stdout || '';
}

function kib(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** Installs the .vsix into an isolated code-server and checks it is listed with the right version. */
function verifyInstall(vsix, manifest) {
  const { ensureToolchain, isolatedXdg } = require('./toolchain');
  const toolchain = ensureToolchain();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fused-runs-vsix-'));
  try {
    const env = { ...process.env, ...isolatedXdg(dir), HOME: dir, EXTENSIONS_GALLERY: '{}' };
    const common = [
      toolchain.codeServerEntry,
      '--config', path.join(dir, 'config.yaml'),
      '--user-data-dir', path.join(dir, 'data'),
      '--extensions-dir', path.join(dir, 'extensions'),
    ];
    const started = Date.now();
    run('code-server --install-extension', toolchain.nodeBin, [...common, '--install-extension', vsix, '--force'], { env });
    const listed = run('code-server --list-extensions', toolchain.nodeBin, [...common, '--list-extensions', '--show-versions'], { env });
    const expected = `${manifest.publisher}.${manifest.name}@${manifest.version}`;
    if (!listed.split(/\r?\n/).includes(expected)) {
      process.stderr.write(`package: after installing, code-server lists ${JSON.stringify(listed.trim())}, not ${expected}\n`);
      process.exit(1);
    }
    const installed = path.join(dir, 'extensions', `${manifest.publisher}.${manifest.name}-${manifest.version}`);
    const main = path.join(installed, manifest.main || 'dist/extension.js');
    if (!fs.existsSync(main.endsWith('.js') ? main : `${main}.js`)) {
      process.stderr.write(`package: the installed extension has no ${manifest.main}\n`);
      process.exit(1);
    }
    process.stdout.write(`package: verified: code-server 4.139.1 installed and lists ${expected} (${Date.now() - started} ms)\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The command line (node:util parseArgs): `--verify`; anything else is refused with the usage. */
function readOptions(argv) {
  try {
    return parseArgs({ args: argv, strict: true, allowPositionals: false, options: { verify: { type: 'boolean', default: false } } }).values;
  } catch (error) {
    process.stderr.write(`package: ${error.message}\nusage: npm run package [-- --verify]\n`);
    process.exit(2);
  }
}

function main() {
  const { verify } = readOptions(process.argv.slice(2));
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const vsix = path.join(ROOT, `${manifest.name}-${manifest.version}.vsix`);

  // vsce runs the manifest's vscode:prepublish script first: the production build (esbuild.js
  // --production). Source maps a dev build left in dist/ stay out through .vscodeignore
  // (**/*.map); dist/ is not emptied because other runs may be loading it right now.
  const vsce = path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  const args = [vsce, 'package', '--no-dependencies', '--out', vsix];
  // There is no public repository yet (so no repository, homepage or bugs URL in package.json):
  // without a repository URL vsce cannot turn README's relative links into absolute ones (and
  // fails); they stay relative, which is right for a locally installed .vsix.
  if (!manifest.repository) args.push('--allow-missing-repository', '--no-rewrite-relative-links');
  run('vsce package', process.execPath, args);

  const files = run('vsce ls', process.execPath, [vsce, 'ls', '--no-dependencies']).trim().split(/\r?\n/).filter(Boolean);
  // Every picture the Marketplace page (README) and the walkthrough show must be in the .vsix at
  // the path they name: a missing one is a broken image only a user would notice.
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const pictures = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((match) => match[1]).filter((target) => !/^[a-z]+:/i.test(target));
  for (const walkthrough of manifest.contributes?.walkthroughs ?? []) for (const step of walkthrough.steps ?? []) if (step.media?.image) pictures.push(step.media.image);
  if (manifest.icon) pictures.push(manifest.icon);
  const missing = [...new Set(pictures)].filter((picture) => !files.includes(picture));
  if (missing.length > 0) {
    process.stderr.write(`package: the .vsix lacks pictures that README.md or package.json show: ${missing.join(', ')}\n`);
    process.exit(1);
  }
  const size = fs.statSync(vsix).size;
  const bundle = fs.statSync(path.join(ROOT, 'dist', 'extension.js')).size;
  process.stdout.write(`package: ${path.relative(ROOT, vsix)} ${kib(size)} (${size} bytes), ${files.length} files; dist/extension.js ${kib(bundle)}; ${new Set(pictures).size} pictures from README.md/package.json all shipped\n`);
  if (verify) verifyInstall(vsix, manifest);
}

main();

// Bundles the extension (Node, CommonJS) and the webview script (browser, IIFE).
// Modes: default (dev, with source maps), --production (minified, no maps), --watch.
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  {
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    external: ['vscode'],
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
  },
];

// HTTP goes through the extension host's global fetch (see src/api/client.ts), so nothing is
// bundled for it. A dist/undici.js left by a build from before that change would still be
// packed into the .vsix (dist/ is shipped as a whole), so it goes.
fs.rmSync(path.join(__dirname, 'dist', 'undici.js'), { force: true });

// The details webview script, once it exists (src/webview/app/).
const webviewEntry = 'src/webview/app/main.ts';
if (fs.existsSync(path.join(__dirname, webviewEntry))) {
  builds.push({
    entryPoints: [webviewEntry],
    outfile: 'dist/webview/details.js',
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
  });
}

async function main() {
  if (watch) {
    for (const options of builds) {
      const ctx = await esbuild.context(options);
      await ctx.watch();
    }
    console.log('[esbuild] watching');
    return;
  }
  for (const options of builds) {
    const result = await esbuild.build(options);
    for (const [file, info] of Object.entries(result.metafile.outputs)) {
      if (!file.endsWith('.map')) console.log(`[esbuild] ${file} ${(info.bytes / 1024).toFixed(1)} KiB`);
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

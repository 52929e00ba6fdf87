// Bundles the extension (Node, CommonJS) and the webview script (browser, IIFE).
// Modes: default (dev, with source maps), --production (minified, no maps), --watch.
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/**
 * undici is most of the extension's code but is only needed once a request is made, so it is
 * bundled into its own file and loaded on first use: activation then parses a small bundle.
 * @type {import('esbuild').Plugin}
 */
const undiciAsSeparateFile = {
  name: 'undici-as-separate-file',
  setup(build) {
    build.onResolve({ filter: /^undici$/ }, () => ({ path: './undici.js', external: true }));
  },
};

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
    plugins: [undiciAsSeparateFile],
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
  },
];

builds.push({
  entryPoints: { undici: require.resolve('undici') },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  minify: production,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});

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

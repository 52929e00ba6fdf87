#!/usr/bin/env node
// `npm run media:icon`: renders media/icon.svg (the Marketplace icon, drawn by us) to the 128×128
// PNG that package.json's "icon" names (the Marketplace takes no SVG icon). Both files are checked
// in; run this after editing the SVG. Chromium is the same Debian Chromium the e2e harness drives
// through playwright-core, so no new dependency: its SVG renderer is the reference one.
//   npm run media:icon [-- --size 128 --out media/icon.png]
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');

const ROOT = path.resolve(__dirname, '..');

/** Reads width, height and colour type from a PNG's IHDR, to check what was written. */
function pngHeader(buffer) {
  if (buffer.subarray(1, 4).toString('latin1') !== 'PNG') throw new Error('not a PNG');
  return { width: buffer.readUInt32BE(16), height: buffer.readUInt32BE(20), colourType: buffer[25] };
}

async function renderSvg(svgFile, outFile, size) {
  const { chromium } = require('playwright-core');
  // Only Chromium is needed (not the Node 24 + code-server toolchain): install Debian's when missing.
  const { ensureDebianPackages, CHROMIUM_PATH } = require('./toolchain');
  ensureDebianPackages(['chromium']);
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
    const svg = fs.readFileSync(svgFile, 'utf8');
    // The SVG as an <img> scaled to the viewport: transparent page, nothing else drawn.
    const dataUrl = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
    await page.setContent(`<html><body style="margin:0;background:transparent"><img id="icon" src="${dataUrl}" width="${size}" height="${size}" style="display:block"></body></html>`);
    // Runs in the page (a string, so the browser globals are not Node's).
    await page.waitForFunction('(() => { const image = document.getElementById("icon"); return image.complete && image.naturalWidth > 0; })()');
    const png = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    fs.writeFileSync(outFile, png);
    return png;
  } finally {
    await browser.close();
  }
}

async function main() {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { size: { type: 'string', default: '128' }, svg: { type: 'string', default: 'media/icon.svg' }, out: { type: 'string', default: 'media/icon.png' } },
    strict: true,
  });
  const size = Number(values.size);
  if (!Number.isInteger(size) || size < 16 || size > 1024) throw new Error(`--size must be an integer from 16 to 1024, got ${values.size}`);
  const svgFile = path.resolve(ROOT, values.svg);
  const outFile = path.resolve(ROOT, values.out);
  const png = await renderSvg(svgFile, outFile, size);
  const header = pngHeader(png);
  if (header.width !== size || header.height !== size) throw new Error(`rendered ${header.width}×${header.height}, expected ${size}×${size}`);
  // Colour type 6 is RGBA: the rounded corners stay transparent.
  process.stdout.write(`media:icon: ${path.relative(ROOT, outFile)} ${header.width}×${header.height} ${header.colourType === 6 ? 'RGBA' : `colour type ${header.colourType}`}, ${png.length} bytes\n`);
}

main().catch((error) => {
  process.stderr.write(`media:icon: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});

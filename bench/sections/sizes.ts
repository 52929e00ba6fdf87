// Sizes of what users download and what activation loads, read from the packaged .vsix itself:
// every .js/.css/.html entry (the activation bundle, each bundle loaded later on first use, the
// webview bundles) unpacked, deflated as the .vsix stores it and gzip -9, their total against
// the guide's bar (code under 100 KB compressed, images aside), and the .vsix.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SectionResult } from '../context';
import { verdict, type Row } from '../report';
import { formatBytes } from '../stats';
import { codeSizes, parseUnzipListing } from '../vsixCode';

export function benchSizes(extensionDir: string, vsixPath: string, main: string): SectionResult {
  const listing = spawnSync('unzip', ['-v', vsixPath], { encoding: 'utf8' });
  if (listing.status !== 0) throw new Error(`unzip -v ${vsixPath} failed: ${listing.stderr || listing.error}`);
  // extensionDir is the .vsix unpacked (its extension/ folder): entries are read from there.
  const unpacked = path.dirname(extensionDir);
  const code = codeSizes(parseUnzipListing(listing.stdout), (name) => fs.readFileSync(path.join(unpacked, name)));
  const mainEntry = `extension/${path.posix.normalize(main.endsWith('.js') ? main : `${main}.js`)}`;
  if (!code.files.some((file) => file.name === mainEntry)) throw new Error(`the .vsix has no ${mainEntry} (package.json's main)`);
  const kind = (name: string) => (name === mainEntry ? 'activation bundle' : name.includes('/webview/') ? 'webview' : 'lazy bundle');
  const sizeOf = (file: { length: number; stored: number; gzip9: number }) => `${formatBytes(file.length)}; ${formatBytes(file.stored)} deflated, ${formatBytes(file.gzip9)} gzip -9`;
  const vsixBytes = fs.statSync(vsixPath).size;
  const rows: Row[] = [
    ...code.files.map((file) => ({ section: 'sizes', metric: `${kind(file.name)} ${file.name.replace(/^extension\//, '')}`, value: sizeOf(file) })),
    {
      section: 'sizes',
      metric: `code in the .vsix (${code.files.length} .js/.css/.html), compressed`,
      value: sizeOf(code.total),
      goal: `< ${formatBytes(code.goalBytes)} deflated`,
      verdict: verdict(code.met),
    },
    { section: 'sizes', metric: '.vsix', value: formatBytes(vsixBytes) },
  ];
  return {
    rows,
    data: {
      method: 'the packaged .vsix: each .js/.css/.html entry unpacked (bytes), as stored in the archive (deflate, from unzip -v) and gzip -9 of the unpacked bytes; the goal applies to the deflated total',
      activationBundle: mainEntry,
      code,
      vsix: { file: path.basename(vsixPath), bytes: vsixBytes },
    },
  };
}

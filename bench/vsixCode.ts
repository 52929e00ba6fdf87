// What the .vsix carries as code: its .js, .css and .html entries (images, the manifest and the
// docs aside), each with its size unpacked, deflated as the .vsix stores it (what `unzip -v`
// reports) and gzip -9 beside it. Pure: unit-tested in test/unit/bench-tools.test.ts.
import { gzipSync } from 'node:zlib';

/** Issue 14's bar (the developers' guide): the .vsix's code under 100 KB compressed. */
export const CODE_COMPRESSED_GOAL_BYTES = 100_000;

export interface ZipEntry {
  name: string;
  /** Unpacked bytes. */
  length: number;
  /** Bytes as stored in the archive (deflated, or equal to length when stored). */
  stored: number;
  method: string;
}

/** Parses the listing of `unzip -v <archive>` (Info-ZIP): one entry per line between the dashed rules. */
export function parseUnzipListing(listing: string): ZipEntry[] {
  const entries: ZipEntry[] = [];
  const line = /^\s*(\d+)\s+(\S+)\s+(\d+)\s+-?\d+%\s+\S+\s+\S+\s+[0-9a-f]{8}\s+(.+)$/;
  for (const text of listing.split(/\r?\n/)) {
    const match = line.exec(text);
    if (match) entries.push({ length: Number(match[1]), method: match[2], stored: Number(match[3]), name: match[4] });
  }
  if (entries.length === 0) throw new Error('no entries in the unzip -v listing');
  return entries;
}

/** Whether an entry is code the .vsix ships (what runs in the extension host or a webview). */
export function isCode(name: string): boolean {
  return /\.(m?js|cjs|css|html?)$/i.test(name);
}

export interface CodeFile extends ZipEntry {
  gzip9: number;
}

export interface CodeSizes {
  files: CodeFile[];
  total: { length: number; stored: number; gzip9: number };
  goalBytes: number;
  /** The deflated total (what the .vsix carries) is under the goal. */
  met: boolean;
}

/** Sums the code entries; `read` gives an entry's unpacked content, gzipped at level 9 here. */
export function codeSizes(entries: readonly ZipEntry[], read: (name: string) => Buffer): CodeSizes {
  const files = entries
    .filter((entry) => isCode(entry.name))
    .map((entry) => ({ ...entry, gzip9: gzipSync(read(entry.name), { level: 9 }).length }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const total = files.reduce((sum, file) => ({ length: sum.length + file.length, stored: sum.stored + file.stored, gzip9: sum.gzip9 + file.gzip9 }), { length: 0, stored: 0, gzip9: 0 });
  return { files, total, goalBytes: CODE_COMPRESSED_GOAL_BYTES, met: total.stored < CODE_COMPRESSED_GOAL_BYTES };
}

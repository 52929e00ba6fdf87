// Sizes of what users download and what activation loads: the extension bundle, each bundle
// loaded later on first use (dist/*.js beside it), the webview bundles and the .vsix.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SectionResult } from '../context';
import type { Row } from '../report';
import { formatBytes } from '../stats';

export function benchSizes(extensionDir: string, vsixPath: string, main: string): SectionResult {
  const dist = path.join(extensionDir, 'dist');
  const mainFile = path.resolve(extensionDir, main.endsWith('.js') ? main : `${main}.js`);
  const files = (dir: string, filter: (name: string) => boolean) =>
    fs.existsSync(dir)
      ? fs
          .readdirSync(dir)
          .filter(filter)
          .sort()
          .map((name) => ({ file: path.relative(extensionDir, path.join(dir, name)), bytes: fs.statSync(path.join(dir, name)).size }))
      : [];
  const lazyBundles = files(dist, (name) => name.endsWith('.js') && path.join(dist, name) !== mainFile);
  const webview = files(path.join(dist, 'webview'), (name) => name.endsWith('.js') || name.endsWith('.css'));
  const sizes = {
    extensionBundle: { file: path.relative(extensionDir, mainFile), bytes: fs.statSync(mainFile).size },
    lazyBundles,
    webview,
    vsix: { file: path.basename(vsixPath), bytes: fs.statSync(vsixPath).size },
  };
  const rows: Row[] = [
    { section: 'sizes', metric: `activation bundle ${sizes.extensionBundle.file}`, value: formatBytes(sizes.extensionBundle.bytes) },
    ...lazyBundles.map((bundle) => ({ section: 'sizes', metric: `lazy bundle ${bundle.file}`, value: formatBytes(bundle.bytes) })),
    ...webview.map((bundle) => ({ section: 'sizes', metric: `webview ${bundle.file}`, value: formatBytes(bundle.bytes) })),
    { section: 'sizes', metric: '.vsix', value: formatBytes(sizes.vsix.bytes) },
  ];
  return { rows, data: { method: 'bytes on disk of the packaged build (unpacked from the .vsix), production esbuild output', ...sizes } };
}

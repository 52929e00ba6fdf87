// What the Marketplace page and the packaged .vsix rely on: README images and walkthrough media that
// exist under media/ (vsce ships media/; a wrong path is a broken picture on the page), the icon's
// size, the walkthrough's five steps with completion events, and the README's two commands that
// CI and the project's checks read.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

const REPO = path.resolve(__dirname, '..', '..', '..');
const read = (file: string): string => fs.readFileSync(path.join(REPO, file), 'utf8');

interface WalkthroughStep {
  id: string;
  title: string;
  description: string;
  media: { image?: string; altText?: string };
  completionEvents?: string[];
}

function manifest(): { icon?: string; license?: string; contributes: { walkthroughs?: { steps: WalkthroughStep[] }[] } } {
  return JSON.parse(read('package.json'));
}

const nls = (): Record<string, string> => JSON.parse(read('package.nls.json'));

/** A manifest string as VS Code shows it: `%key%` looked up in package.nls.json. */
function shown(text: string): string {
  const key = /^%([^%]+)%$/.exec(text)?.[1];
  return key === undefined ? text : nls()[key] ?? text;
}

/** Every string value in the manifest with its JSON path (e.g. contributes.commands.3.title). */
function manifestStrings(value: unknown, at = ''): { path: string; text: string }[] {
  if (typeof value === 'string') return [{ path: at, text: value }];
  if (Array.isArray(value)) return value.flatMap((item, index) => manifestStrings(item, `${at}.${index}`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => manifestStrings(item, at ? `${at}.${key}` : key));
  return [];
}

/**
 * Manifest fields a user reads, which must be %keys% (displayName stays the product's name: the
 * bench and VS Code's extension list find the extension by it).
 */
const USER_VISIBLE = [
  /^description$/,
  /^capabilities\.untrustedWorkspaces\.description$/,
  /^contributes\.commands\.\d+\.(title|shortTitle|category)$/,
  /^contributes\.viewsContainers\.\w+\.\d+\.title$/,
  /^contributes\.views\.\w+\.\d+\.(name|contextualTitle)$/,
  /^contributes\.viewsWelcome\.\d+\.contents$/,
  /^contributes\.configuration\.title$/,
  /^contributes\.configuration\.properties\.[\w.]+\.(description|markdownDescription|deprecationMessage|markdownDeprecationMessage)$/,
  /^contributes\.configuration\.properties\.[\w.]+\.(enumDescriptions|markdownEnumDescriptions)\.\d+$/,
  /^contributes\.walkthroughs\.\d+\.(title|description)$/,
  /^contributes\.walkthroughs\.\d+\.steps\.\d+\.(title|description|media\.altText)$/,
  /^contributes\.submenus\.\d+\.label$/,
];

/** Image references in Markdown: `![alt](target)`. */
function markdownImages(markdown: string): string[] {
  return [...markdown.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((match) => match[1]);
}

function pngSize(file: string): { width: number; height: number } {
  const buffer = fs.readFileSync(path.join(REPO, file));
  assert.equal(buffer.subarray(1, 4).toString('latin1'), 'PNG', `${file} is not a PNG`);
  return { width: buffer.readUInt32BE(16), height: buffer.readUInt32BE(20) };
}

describe('Marketplace page and package', () => {
  it('every README image is a relative path to a PNG under media/ that exists', () => {
    const images = markdownImages(read('README.md'));
    assert.ok(images.length >= 5, `the README shows the screenshots (found ${images.length} images)`);
    for (const image of images) {
      assert.match(image, /^media\/[A-Za-z0-9_.-]+\.png$/, `README image ${image} is not a PNG under media/`);
      assert.ok(fs.existsSync(path.join(REPO, image)), `README image ${image} does not exist`);
      const { width, height } = pngSize(image);
      assert.ok(width <= 1600 && height <= 1000, `${image} is ${width}×${height}: retake it at 1280×800`);
    }
  });

  it('the icon is a 128×128 PNG and the licence and changelog exist', () => {
    const { icon, license } = manifest();
    assert.equal(icon, 'media/icon.png');
    assert.deepEqual(pngSize(icon), { width: 128, height: 128 });
    assert.equal(license, 'MIT');
    assert.match(read('LICENSE'), /^MIT License\n\nCopyright \(c\) \d{4} Fused Runs contributors\n/);
    assert.match(read('CHANGELOG.md'), /## \[Unreleased\][\s\S]*## \[0\.1\.0\]/);
  });

  it('the walkthrough has five steps, each with an existing image, alt text and a completion event', () => {
    const walkthroughs = manifest().contributes.walkthroughs ?? [];
    assert.equal(walkthroughs.length, 1);
    const steps = walkthroughs[0].steps;
    assert.deepEqual(steps.map((step) => step.id), ['connect', 'openView', 'findFailing', 'openStderr', 'compare']);
    for (const step of steps) {
      assert.ok(step.media.image && fs.existsSync(path.join(REPO, step.media.image)), `step ${step.id}: image ${step.media.image} does not exist`);
      assert.ok(step.media.altText && shown(step.media.altText).length > 10 && !shown(step.media.altText).startsWith('%'), `step ${step.id} has no alt text`);
      assert.ok((step.completionEvents ?? []).length > 0, `step ${step.id} has no completion event`);
      for (const event of step.completionEvents ?? []) assert.match(event, /^(onCommand|onView|onSettingChanged|onContext|onLink|extensionInstalled):\S+$/, `step ${step.id}: ${event}`);
    }
  });

  it('the README keeps "Try it from source" with the two commands exactly', () => {
    const readme = read('README.md');
    const section = /## Try it from source\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';
    assert.match(section, /^npm ci && npm run demo {5}#/m);
    assert.match(section, /^npm test {19}#/m);
    assert.match(section, /\(CONTRIBUTING\.md\)/);
    assert.ok(readme.indexOf('## Try it from source') < 2000, 'the section is near the top');
  });
});

describe('translations of the manifest (package.nls.json)', () => {
  it('every %key% in package.json has an entry in package.nls.json', () => {
    const entries = nls();
    const keys = manifestStrings(manifest()).flatMap(({ path: at, text }) => [...text.matchAll(/%([^%\s]+)%/g)].map((match) => ({ at, key: match[1] })));
    assert.ok(keys.length > 50, `package.json uses ${keys.length} %keys%`);
    const missing = keys.filter(({ key }) => typeof entries[key] !== 'string' || entries[key].trim() === '');
    assert.deepEqual(missing, [], 'keys without an entry');
  });

  it('every entry of package.nls.json is used, and no user-visible manifest string is hard-coded', () => {
    const entries = nls();
    const strings = manifestStrings(manifest());
    const used = new Set(strings.flatMap(({ text }) => [...text.matchAll(/%([^%\s]+)%/g)].map((match) => match[1])));
    assert.deepEqual(Object.keys(entries).filter((key) => !used.has(key)), [], 'entries no %key% uses');
    const hardCoded = strings.filter(({ path: at, text }) => USER_VISIBLE.some((pattern) => pattern.test(at)) && !/^%[^%\s]+%$/.test(text));
    assert.deepEqual(hardCoded, [], 'user-visible manifest strings outside package.nls.json');
  });
});

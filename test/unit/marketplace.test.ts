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
      assert.ok(step.media.altText && step.media.altText.length > 10, `step ${step.id} has no alt text`);
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

// scripts/check-manifest.ts: the project's own manifest passes; a small good manifest passes; each broken
// thing fails with a message that names the field and the file.
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { checkManifest, pngSize } from '../../scripts/check-manifest';

const repo = join(__dirname, '..', '..');
const folders: string[] = [];
after(() => folders.forEach((f) => rmSync(f, { recursive: true, force: true })));

function goodManifest() {
  return {
    name: 'my-extension',
    displayName: '%displayName%',
    description: '%description%',
    version: '1.2.3',
    publisher: 'someone',
    license: 'MIT',
    icon: 'media/icon.png',
    galleryBanner: { color: '#1C2B39', theme: 'dark' },
    repository: { type: 'git', url: 'https://github.com/someone/my-extension' },
    engines: { vscode: '^1.107.0' },
    categories: ['Other'],
    contributes: {
      commands: [{ command: 'x.start', title: '%command.start%' }],
      walkthroughs: [
        {
          id: 'start',
          title: '%walkthrough.title%',
          description: 'Start here',
          steps: [{ id: 'one', title: 'One', description: 'Do it', media: { image: 'media/walkthrough/one.png', altText: 'one' }, completionEvents: ['onCommand:x.start'] }],
        },
      ],
    },
  };
}

/** A folder with an extension: package.json from `manifest`, the nls file, icon, README, CHANGELOG, LICENSE. */
function extensionFolder(
  manifest: object,
  nls: Record<string, string> = { displayName: 'X', description: 'Y', 'command.start': 'Start', 'walkthrough.title': 'Start' },
): string {
  const root = mkdtempSync(join(tmpdir(), 'manifest-'));
  folders.push(root);
  mkdirSync(join(root, 'media', 'walkthrough'), { recursive: true });
  writeFileSync(join(root, 'package.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(root, 'package.nls.json'), JSON.stringify(nls, null, 2));
  copyFileSync(join(repo, 'media', 'icon.png'), join(root, 'media', 'icon.png'));
  copyFileSync(join(repo, 'media', 'icon.png'), join(root, 'media', 'walkthrough', 'one.png'));
  writeFileSync(join(root, 'README.md'), '# X\n\n![the view](media/walkthrough/one.png)\n');
  writeFileSync(join(root, 'CHANGELOG.md'), '# Changelog\n');
  writeFileSync(join(root, 'LICENSE'), 'MIT\n');
  return root;
}

/** The first bytes of a PNG of the given size: signature and IHDR, which is all the check reads. */
function pngHeader(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write('IHDR', 4, 'latin1');
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ihdr]);
}

describe('check-manifest', () => {
  it("passes the project's own package.json, and its icon is a 128×128 PNG", () => {
    assert.deepEqual(checkManifest(repo), []);
  });

  it('passes a small good manifest', () => {
    assert.deepEqual(checkManifest(extensionFolder(goodManifest())), []);
  });

  it('fails on a missing icon field, naming it', () => {
    const { icon: _icon, ...manifest } = goodManifest();
    assert.deepEqual(checkManifest(extensionFolder(manifest)), ['package.json icon: missing (a 128×128 PNG)']);
  });

  it('fails when the icon file does not exist', () => {
    const root = extensionFolder(goodManifest());
    rmSync(join(root, 'media', 'icon.png'));
    assert.deepEqual(checkManifest(root), ['package.json icon: media/icon.png does not exist']);
  });

  it('fails on an icon of the wrong size, naming its size', () => {
    const root = extensionFolder(goodManifest());
    writeFileSync(join(root, 'media', 'icon.png'), pngHeader(64, 64));
    assert.deepEqual(checkManifest(root), ['package.json icon: media/icon.png is 64×64; it must be 128×128']);
  });

  it('fails on an SVG icon and on a file that is not a PNG', () => {
    assert.deepEqual(checkManifest(extensionFolder({ ...goodManifest(), icon: 'media/icon.svg' })), [
      'package.json icon: media/icon.svg is an SVG; the Marketplace takes only PNG icons',
    ]);
    const root = extensionFolder(goodManifest());
    writeFileSync(join(root, 'media', 'icon.png'), 'GIF89a not a png at all');
    assert.deepEqual(checkManifest(root), ['package.json icon: media/icon.png is not a PNG file']);
  });

  it('fails on a %key% that package.nls.json lacks, naming the key and where it is used', () => {
    const manifest = goodManifest();
    manifest.contributes.commands[0]!.title = '%command.stop%';
    assert.deepEqual(checkManifest(extensionFolder(manifest)), ['package.json contributes.commands[0].title: %command.stop% is not in package.nls.json']);
  });

  it("fails on a walkthrough step's missing media file", () => {
    const manifest = goodManifest();
    manifest.contributes.walkthroughs[0]!.steps[0]!.media.image = 'media/walkthrough/two.png';
    assert.deepEqual(checkManifest(extensionFolder(manifest)), ['package.json contributes.walkthroughs[0].steps[0].media.image: media/walkthrough/two.png does not exist']);
  });

  it('fails on a bad version, an unknown category, a missing license file and a missing CHANGELOG', () => {
    const root = extensionFolder({ ...goodManifest(), version: '1.2', categories: ['Home Automation'] });
    rmSync(join(root, 'LICENSE'));
    rmSync(join(root, 'CHANGELOG.md'));
    const problems = checkManifest(root);
    assert.equal(problems.length, 4, problems.join('\n'));
    assert.equal(problems[0], 'package.json version: "1.2" is not a semantic version x.y.z');
    assert.match(problems[1] ?? '', /^LICENSE: no license file/);
    assert.match(problems[2] ?? '', /^package\.json categories\[0\]: "Home Automation" is not a Marketplace category/);
    assert.equal(problems[3], 'CHANGELOG.md: missing');
  });

  it('fails on CHANGELOG headings that are not the store form or not newest first, naming the line', () => {
    const root = extensionFolder(goodManifest());
    writeFileSync(join(root, 'CHANGELOG.md'), '# Changelog\n\n## [Unreleased]\n\n## [1.2.0] - 2026-12-01\n\n## 1.1.0\n\n## [1.3.0] - 2026-11-01\n');
    assert.deepEqual(checkManifest(root), [
      'CHANGELOG.md:7: "## 1.1.0" is neither "## [Unreleased]" nor "## [x.y.z] - yyyy-mm-dd"',
      'CHANGELOG.md:9: [1.3.0] - 2026-11-01 is not older than the version above it (newest first)',
    ]);
  });

  it('reads the size from a PNG header', () => {
    assert.deepEqual(pngSize(pngHeader(128, 96)), { width: 128, height: 96 });
    assert.equal(pngSize(Buffer.from('not a png, not at all')), undefined);
  });
});

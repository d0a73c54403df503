// Add-on and folder selection as jcwillox/hass-auto-backup resolves them (manager.py
// ensure_addon_slugs, ensure_folder_slugs @faaddd1c), with our two documented differences (no
// duplicates; unknown names reported, not passed through), and fnmatch edge cases checked against
// Python 3.11's fnmatch.fnmatchcase.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fnmatchCase, resolveAddons, resolveFolders } from '../../src/core/options';

const installed = [
  { name: 'MariaDB', slug: 'core_mariadb' },
  { name: 'Mosquitto broker', slug: 'core_mosquitto' },
  { name: 'Grafana', slug: 'a0d7b954_grafana' },
  { name: 'Studio Code Server', slug: 'a0d7b954_vscode' },
];

describe('resolveAddons (Auto Backup ensure_addon_slugs)', () => {
  const resolve = (...requested: string[]) => resolveAddons(requested, installed);

  it('matches the name in any case, or the exact slug', () => {
    for (const input of ['MariaDB', 'mariadb', 'core_mariadb']) {
      assert.deepEqual(resolve(input), { slugs: ['core_mariadb'], unknown: [] }, input);
    }
    assert.deepEqual(resolve('Mosquitto Broker'), { slugs: ['core_mosquitto'], unknown: [] });
  });

  it('globs slugs case-sensitively, in Supervisor order', () => {
    assert.deepEqual(resolve('core_*'), { slugs: ['core_mariadb', 'core_mosquitto'], unknown: [] });
    assert.deepEqual(resolve('*grafana'), { slugs: ['a0d7b954_grafana'], unknown: [] });
    assert.deepEqual(resolve('a0d7b954_?scode'), { slugs: ['a0d7b954_vscode'], unknown: [] });
  });

  it('reports what matches nothing instead of passing it through (the seed sends it verbatim)', () => {
    assert.deepEqual(resolve('Core_MariaDB'), { slugs: [], unknown: ['Core_MariaDB'] });
    assert.deepEqual(resolve('core-mosquitto'), { slugs: [], unknown: ['core-mosquitto'] });
    assert.deepEqual(resolve('mosquitto'), { slugs: [], unknown: ['mosquitto'] }, 'no substring match');
    assert.deepEqual(resolve('Grafana', 'nope', 'nope'), { slugs: ['a0d7b954_grafana'], unknown: ['nope'] });
  });

  it('drops duplicates, first occurrence wins (the seed gives core_mariadb twice → HTTP 400)', () => {
    assert.deepEqual(resolve('core_*', 'MariaDB'), { slugs: ['core_mariadb', 'core_mosquitto'], unknown: [] });
    assert.deepEqual(resolve('Grafana', 'core_*', '*'), {
      slugs: ['a0d7b954_grafana', 'core_mariadb', 'core_mosquitto', 'a0d7b954_vscode'],
      unknown: [],
    });
  });

  it('does not trim names', () => {
    assert.deepEqual(resolve(' MariaDB'), { slugs: [], unknown: [' MariaDB'] });
  });

  it('folds case like Python casefold (ß = ss)', () => {
    assert.deepEqual(resolveAddons(['STRASSE'], [{ name: 'Straße', slug: 'local_strasse' }]).slugs, ['local_strasse']);
  });
});

describe('resolveFolders (Auto Backup ensure_folder_slugs)', () => {
  it('maps the aliases case-insensitively', () => {
    assert.deepEqual(resolveFolders(['Config']).folders, ['homeassistant']);
    assert.deepEqual(resolveFolders(['Home Assistant Configuration']).folders, ['homeassistant']);
    assert.deepEqual(resolveFolders(['Local add-ons']).folders, ['addons/local']);
    assert.deepEqual(resolveFolders(['addons']).folders, ['addons/local']);
    assert.deepEqual(resolveFolders(['Share', 'SSL', 'media']).folders, ['share', 'ssl', 'media']);
  });

  it("accepts the Supervisor's own ids", () => {
    assert.deepEqual(resolveFolders(['addons/local', 'homeassistant']).folders, ['addons/local', 'homeassistant']);
  });

  it('de-duplicates (the seed sends homeassistant twice for [config, homeassistant] → HTTP 400)', () => {
    assert.deepEqual(resolveFolders(['config', 'homeassistant', 'share', 'Share']), { folders: ['homeassistant', 'share'], unknown: [] });
  });

  it('reports unknown names as written (the seed sends /config on, and the Supervisor rejects it)', () => {
    assert.deepEqual(resolveFolders(['/config', 'medias', 'ssl']), { folders: ['ssl'], unknown: ['/config', 'medias'] });
  });
});

describe('fnmatchCase (answers of Python fnmatch.fnmatchcase)', () => {
  const cases: [name: string, pattern: string, matches: boolean][] = [
    ['core_mariadb', 'core_*', true],
    ['Core_mariadb', 'core_*', false],
    ['', '*', true],
    ['a\nb', 'a*b', true],
    ['😀', '?', true],
    ['a.b', 'a?b', true],
    ['axb', 'a.b', false],
    ['a\\b', 'a\\b', true],
    ['a[', 'a[', true],
    ['[!]', '[!]', true],
    ['!', '[!]', false],
    [']', '[]]', true],
    ['a]b', 'a[]]b', true],
    ['ab', 'a[]b', false],
    ['a', '[!]]', true],
    [']', '[!]]', false],
    ['m', '[z-a]', false],
    ['m', '[!z-a]', true],
    ['-', '[a-]', true],
    ['-', '[-a]', true],
    ['b', '[-a]', false],
    ['-', '[c-a-z]', true],
    ['z', '[c-a-z]', true],
    ['b', '[c-a-z]', false],
    ['a', '[a-c-e]', true],
    ['-', '[a-c-e]', true],
    ['d', '[a-c-e]', false],
    ['^', '[^a]', true],
    ['b', '[^a]', false],
    ['[', '[[]', true],
    ['core_mariadb', 'core_[a-m]*', true],
    ['core_mosquitto', 'core_[!a-m]*', false],
    ['a0d7b954_vscode', 'a0d7b954_[uv]s*', true],
  ];
  for (const [name, pattern, matches] of cases) {
    it(`${JSON.stringify(pattern)} ${matches ? 'matches' : 'does not match'} ${JSON.stringify(name)}`, () => {
      assert.equal(fnmatchCase(name, pattern), matches);
    });
  }
});

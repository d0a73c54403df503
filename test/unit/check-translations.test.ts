// scripts/check-translations.mjs: passes complete translations, and names the file, the key and what is
// wrong for each kind of broken one. Runs the script as CI does (node, a folder argument) on temp folders.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';

const REPO = path.resolve(__dirname, '../..');
const SCRIPT = path.join(REPO, 'scripts/check-translations.mjs');

const ENGLISH_NLS = {
  'command.connect': 'Connect…',
  'welcome.notConnected': 'Not connected.\n[Connect](command:haBackups.connect)',
  'config.autoPurge': 'At most `#haBackups.purgeConfirmAbove#` backups.',
};
const GERMAN_NLS = {
  'command.connect': 'Verbinden…',
  'welcome.notConnected': 'Nicht verbunden.\n[Verbinden](command:haBackups.connect)',
  'config.autoPurge': 'Höchstens `#haBackups.purgeConfirmAbove#` Backups.',
};
const ENGLISH_BUNDLE = {
  'Backup "{0}" failed: {1}': 'Backup "{0}" failed: {1}',
  '$(sync~spin) Backing up…': '$(sync~spin) Backing up…',
  '{0} in {1}': '{0} in {1}',
};
const GERMAN_BUNDLE = {
  'Backup "{0}" failed: {1}': 'Backup „{0}“ fehlgeschlagen: {1}',
  '$(sync~spin) Backing up…': '$(sync~spin) Backup läuft…',
  '{0} in {1}': '{1}: {0}', // the order may change where the grammar needs it
};

const folders: string[] = [];
after(() => {
  for (const f of folders) fs.rmSync(f, { recursive: true, force: true });
});

/** A temp folder with the English sources and the given translation files (name → object or raw text). */
function project(files: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-translations-'));
  folders.push(dir);
  fs.mkdirSync(path.join(dir, 'l10n'));
  const all: Record<string, unknown> = { 'package.nls.json': ENGLISH_NLS, 'l10n/bundle.l10n.json': ENGLISH_BUNDLE, ...files };
  for (const [name, content] of Object.entries(all)) {
    if (content === undefined) continue;
    fs.writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

function check(dir: string): { status: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [SCRIPT, dir], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

const complete = { 'package.nls.de.json': GERMAN_NLS, 'l10n/bundle.l10n.de.json': GERMAN_BUNDLE };

void describe('check-translations', () => {
  void it('passes complete translations and says what it checked', () => {
    const r = check(project(complete));
    assert.equal(r.status, 0, r.err);
    assert.match(r.out, /translations complete: de \(package\.nls\.json: 3, bundle\.l10n\.json: 3\)/);
  });

  void it('passes the repository itself (every shipped translation is complete)', () => {
    const r = check(REPO);
    assert.equal(r.status, 0, r.err);
    assert.match(r.out, /translations complete: de \(package\.nls\.json: \d+, bundle\.l10n\.json: \d+\); nl /);
  });

  void it('names a key that English has and the translation not (e.g. new walkthrough keys)', () => {
    const r = check(project({ ...complete, 'package.nls.json': { ...ENGLISH_NLS, 'walkthrough.title': 'Get started' } }));
    assert.equal(r.status, 1);
    assert.match(r.err, /^package\.nls\.de\.json: key "walkthrough\.title": missing \(English has it\)$/m);
    assert.match(r.err, /1 translation problem in /);
  });

  void it('names a key that English no longer has', () => {
    const r = check(project({ ...complete, 'l10n/bundle.l10n.de.json': { ...GERMAN_BUNDLE, 'Old text': 'Alter Text' } }));
    assert.equal(r.status, 1);
    assert.match(r.err, /^l10n\/bundle\.l10n\.de\.json: key "Old text": extra/m);
  });

  void it('names a lost, added or renumbered placeholder', () => {
    const r = check(
      project({
        ...complete,
        'l10n/bundle.l10n.de.json': { ...GERMAN_BUNDLE, 'Backup "{0}" failed: {1}': 'Backup fehlgeschlagen: {1}', '{0} in {1}': '{0} in {2}' },
      }),
    );
    assert.equal(r.status, 1);
    assert.match(r.err, /key "Backup \\"\{0\}\\" failed: \{1\}": placeholders differ: English has \{0\} \{1\}, the translation \{1\}$/m);
    assert.match(r.err, /key "\{0\} in \{1\}": placeholders differ: English has \{0\} \{1\}, the translation \{0\} \{2\}$/m);
  });

  void it('names a changed codicon, command link or setting reference', () => {
    const r = check(
      project({
        'package.nls.de.json': {
          ...GERMAN_NLS,
          'welcome.notConnected': 'Nicht verbunden.\n[Verbinden](command:haBackups.verbinden)',
          'config.autoPurge': 'Höchstens einige Backups.',
        },
        'l10n/bundle.l10n.de.json': { ...GERMAN_BUNDLE, '$(sync~spin) Backing up…': '$(sync) Backup läuft…' },
      }),
    );
    assert.equal(r.status, 1);
    assert.match(
      r.err,
      /package\.nls\.de\.json: key "welcome\.notConnected": command links differ: English has \(command:haBackups\.connect\), the translation \(command:haBackups\.verbinden\)/,
    );
    assert.match(r.err, /package\.nls\.de\.json: key "config\.autoPurge": setting references differ: English has #haBackups\.purgeConfirmAbove#, the translation none/);
    assert.match(r.err, /l10n\/bundle\.l10n\.de\.json: key "\$\(sync~spin\) Backing up…": codicons differ: English has \$\(sync~spin\), the translation \$\(sync\)/);
  });

  void it('names empty and non-string values', () => {
    const r = check(project({ ...complete, 'package.nls.de.json': { ...GERMAN_NLS, 'command.connect': '  ', 'config.autoPurge': 3 } }));
    assert.equal(r.status, 1);
    assert.match(r.err, /key "command\.connect": the value is empty/);
    assert.match(r.err, /key "config\.autoPurge": the value is number, not a string/);
  });

  void it('names a file that is not JSON, and a language with only one of its two files', () => {
    const r = check(project({ 'package.nls.de.json': '{ "command.connect": ', 'package.nls.nl.json': { ...GERMAN_NLS } }));
    assert.equal(r.status, 1);
    assert.match(r.err, /^package\.nls\.de\.json: not valid JSON/m);
    assert.match(r.err, /^l10n\/bundle\.l10n\.nl\.json: missing: the nl translation has the other file but not this one$/m);
  });
});

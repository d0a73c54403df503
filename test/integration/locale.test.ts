// The extension in another display language: run by the harness's --locale <id> (e.g. de or nl), which
// gives the extension host vscode.env.language = <id>; such a run picks the `@locale` tests only. The
// extension's manifest strings (package.nls.<id>.json: the welcome view, command titles) and its
// vscode.l10n.t strings (l10n/bundle.l10n.<id>.json: the status bar's tooltip, the rows' tooltips) must
// then be the translation's. VS Code's own texts stay English here (no language pack offline).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';
import { ENV } from '../harness/protocol';
import { connectToEmulator } from './support/connection';
import { EXTENSION_ID, snapshot } from './support/extensionApi';
import { screenshot } from './support/screenshot';
import { waitFor } from './support/waitFor';

const locale = process.env[ENV.locale];

interface Manifest {
  // A localized title is { value, original } (the English one kept for the command palette), otherwise a string.
  contributes: { viewsWelcome: { view: string; contents: string }[]; commands: { command: string; title: string | { value: string; original: string } }[] };
}

function readJson(file: string): Record<string, string> {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
}

if (!locale) {
  describe('@locale: the extension in another display language', () => {
    it.skip('runs only with the harness flag --locale <id> (e.g. --locale de)', () => undefined);
  });
} else {
  describe(`@locale: the extension in display language "${locale}"`, function () {
    this.timeout(60_000);
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    const root = extension?.extensionPath ?? '';
    const nls = (): Record<string, string> => readJson(path.join(root, `package.nls.${locale}.json`));
    const bundle = (): Record<string, string> => readJson(path.join(root, 'l10n', `bundle.l10n.${locale}.json`));

    it('the extension host runs in that language and the extension has its translation', () => {
      assert.ok(extension, `${EXTENSION_ID} is not installed`);
      assert.equal(vscode.env.language, locale, 'vscode.env.language');
      assert.ok(fs.existsSync(path.join(root, `package.nls.${locale}.json`)), `package.nls.${locale}.json is missing`);
      assert.ok(fs.existsSync(path.join(root, 'l10n', `bundle.l10n.${locale}.json`)), `l10n/bundle.l10n.${locale}.json is missing`);
    });

    it('the welcome view and the command titles come from package.nls of that language', async () => {
      const manifest = extension!.packageJSON as Manifest;
      const welcome = manifest.contributes.viewsWelcome.find((w) => w.view === 'haBackups.backups');
      assert.equal(welcome?.contents, nls()['welcome.notConnected']);
      const title = manifest.contributes.commands.find((c) => c.command === 'haBackups.connect')?.title;
      assert.equal(typeof title === 'object' ? title.value : title, nls()['command.connect']);
      assert.equal((await snapshot()).connected, false, 'the welcome view shows only before a connection: run the @locale tests alone');
      await vscode.commands.executeCommand('haBackups.backups.focus');
      await new Promise((resolve) => setTimeout(resolve, 1500)); // let the workbench paint the welcome view
      await screenshot(`81-locale-${locale}`);
    });

    it('the status bar and the Backups view speak it (vscode.l10n.t)', async () => {
      await connectToEmulator();
      const b = bundle();
      const newest = b['Newest: {0}']!.split('{0}')[0]!;
      const s = await waitFor('the status bar showing the newest backup', async () => {
        const snap = await snapshot();
        return snap.statusBar.tooltip.includes(newest) && snap.backups.length > 0 && snap;
      });
      assert.ok(s.statusBar.tooltip.includes(newest), `the status bar's tooltip has no "${newest}":\n${s.statusBar.tooltip}`);
      const full = s.backups.find((x) => x.type === 'full');
      assert.ok(full, 'the scenario has a full backup');
      const fullWord = b['full']!;
      assert.ok(full.description?.split(' · ').includes(fullWord), `the row of ${full.slug} does not say "${fullWord}": ${full.description}`);
      await screenshot(`82-locale-${locale}-connected`);
    });
  });
}

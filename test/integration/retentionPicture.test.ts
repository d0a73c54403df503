// The retention picture in the real workbench: Preview Retention opens a webview whose marks are the
// plan's (read in the browser through the harness), the keyboard moves between them, the projection's
// strips hold what the policy will keep, and "Show as text" opens the text preview.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, beforeEach, describe } from 'mocha';
import * as vscode from 'vscode';
import type { WebviewElement } from '../harness/protocol';
import type { RunResult } from '../../src/extension/runner/runResult';
import { storeBackup } from './support/backups';
import { connectToEmulator } from './support/connection';
import { emulator } from './support/emulatorControl';
import { snapshot } from './support/extensionApi';
import { itWithUi } from './support/harness';
import { screenshot } from './support/screenshot';
import { pressInWebview, readWebview } from './support/ui';
import { waitFor } from './support/waitFor';

const DAY = 86_400_000;
const POLICY = 'picture';
// daily 2 over four backups a day apart, the oldest pinned: the newest, daily 2/2, pinned; one goes.
const YAML = `policies:\n  - name: ${POLICY}\n    schedule: daily 03:00\n    backup:\n      name: "Picture & <i>co</i> %d"\n      include: {folders: [ssl]}\n    retention:\n      daily: 2\n`;

describe('Retention picture', () => {
  const config = () => vscode.workspace.getConfiguration('haBackups');
  const file = () => path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, 'auto_backup.yaml');
  /** Slugs by days before now: 0 (newest) to 3 (pinned). */
  const made: string[] = [];
  const attr = (el: WebviewElement | null | undefined, name: string) => el?.attributes[name] ?? '';

  before(async function () {
    this.timeout(120_000);
    await connectToEmulator();
    // Runs are made by hand at other clock times; the scheduler would catch one up.
    await config().update('scheduler', false, vscode.ConfigurationTarget.Global);
    await config().update('autoPurge', false, vscode.ConfigurationTarget.Global);
    fs.writeFileSync(file(), YAML);
    for (const days of [3, 2, 1, 0]) {
      await emulator.setClockOffset(-days * DAY);
      const r = await vscode.commands.executeCommand<RunResult>('haBackups.runPolicy', POLICY);
      assert.equal(r.status, 'succeeded', r.error ?? r.errors?.join());
      made[days] = r.slug!;
    }
    await emulator.setClockOffset(0);
    await vscode.commands.executeCommand('haBackups.refresh');
    const node = { backup: await storeBackup(made[3]!) };
    await vscode.commands.executeCommand('haBackups.pinBackup', node, [node]);
  });

  beforeEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  after(async () => {
    await emulator.setClockOffset(0);
    const node = { backup: await storeBackup(made[3]!) };
    await vscode.commands.executeCommand('haBackups.unpinBackup', node, [node]);
    // Later files expect only the backups they know of.
    for (const slug of made) await emulator.supervisor('DELETE', `/backups/${slug}`);
    fs.rmSync(file(), { force: true });
    await vscode.commands.executeCommand('haBackups.refresh');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await config().update('scheduler', undefined, vscode.ConfigurationTarget.Global);
    await config().update('autoPurge', undefined, vscode.ConfigurationTarget.Global);
  });

  itWithUi("a policy's picture: one mark per backup of the plan, with the plan's verdict and rule", async function () {
    this.timeout(90_000);
    const remove = await vscode.commands.executeCommand<string[]>('haBackups.previewRetention', POLICY);
    const { elements: marks } = await readWebview('.marks .mark', { screenshot: '45-retention-picture' });
    assert.equal(marks.length, 4, JSON.stringify(marks));
    const bySlug = new Map(marks.map((m) => [attr(m, 'data-slug'), m]));
    assert.deepEqual([...bySlug.keys()].sort(), [...made].sort());
    const kept = marks.filter((m) => /\bkept\b/.test(attr(m, 'class')));
    const removed = marks.filter((m) => /\bremoved\b/.test(attr(m, 'class')));
    assert.equal(kept.length, 3);
    assert.deepEqual(
      removed.map((m) => attr(m, 'data-slug')),
      [made[2]],
    );
    assert.deepEqual(
      remove.filter((slug) => made.includes(slug)),
      [made[2]],
      'the removed mark is what the plan removes',
    );
    const { elements: markup } = await readWebview('.picture, .picture i');
    assert.equal(markup.length, 1, 'no <i> element made from a backup name');
    // Each mark's rule, and the plan's reason for it in the text preview.
    await vscode.commands.executeCommand('haBackups.previewRetention', POLICY, { as: 'text' });
    const text = vscode.window.activeTextEditor?.document.getText() ?? '';
    const row = (slug: string) => text.split('\n').find((l) => l.includes(`\`${slug}\``)) ?? `no row for ${slug}`;
    for (const [days, rule, reason] of [
      [0, 'kept: newest of the policy', /^\| keep .*newest of its policy/],
      [1, 'kept: daily 2/2', /^\| keep .*daily 2\/2/],
      [2, 'to remove: no slot left in its policy', /^\| \*\*REMOVE\*\* .*not kept by its policy/],
      [3, 'kept: pinned', /^\| keep .*pinned/],
    ] as const) {
      const label = attr(bySlug.get(made[days]!), 'aria-label');
      assert.ok(label.endsWith(rule), `${days} days old: "${label}" ends with "${rule}"`);
      // The name as written, & and <i> included: escaped into the page, not markup.
      assert.ok(label.startsWith('Picture & <i>co</i> '), label);
      assert.match(row(made[days]!), reason);
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  itWithUi('the arrow keys, Home and End move between the marks in time order; the details line follows', async function () {
    this.timeout(90_000);
    await vscode.commands.executeCommand('haBackups.previewRetention', POLICY);
    const oldestFirst = [3, 2, 1, 0].map((days) => made[days]);
    const read = (keys: string[], shot?: string) => readWebview('#details', { focus: '.marks .mark[tabindex="0"]', keys, ...(shot ? { screenshot: shot } : {}) });
    let answer = await read([]);
    assert.equal(attr(answer.active, 'data-slug'), oldestFirst[0], 'the first tab stop is the oldest mark');
    answer = await read(['ArrowRight', 'ArrowRight']);
    assert.equal(attr(answer.active, 'data-slug'), oldestFirst[2]);
    assert.equal(answer.elements[0]?.text, attr(answer.active, 'aria-label'), 'the details line shows the focused mark');
    assert.match(answer.elements[0]?.text ?? '', /kept: daily 2\/2$/);
    answer = await read(['End']);
    assert.equal(attr(answer.active, 'data-slug'), oldestFirst[3]);
    answer = await read(['ArrowLeft']);
    assert.equal(attr(answer.active, 'data-slug'), oldestFirst[2]);
    assert.equal(attr(answer.active, 'tabindex'), '0', 'a roving tabindex: the focused mark is the tab stop');
    await screenshot('46-retention-picture-focus');
    answer = await read(['Home']);
    assert.equal(attr(answer.active, 'data-slug'), oldestFirst[0]);
  });

  itWithUi('the projection: what daily 2 holds after 1, 6 and 12 months (two runs and the pinned backup)', async function () {
    this.timeout(60_000);
    await vscode.commands.executeCommand('haBackups.previewRetention', POLICY);
    const { elements: strips } = await readWebview('.strip');
    assert.deepEqual(
      strips.map((s) => [attr(s, 'data-months'), attr(s, 'data-count')]),
      [
        ['1', '3'],
        ['6', '3'],
        ['12', '3'],
      ],
    );
    assert.match(attr(strips[0], 'aria-label'), /^after 1 month \(.*\), 3 backups: .* pinned; .* daily 2\/2; .* newest of the policy$/);
  });

  itWithUi('every backup without a policy; "Show as text" opens the text preview', async function () {
    this.timeout(60_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('haBackups.previewRetention');
    const { elements: marks } = await readWebview('.marks .mark');
    assert.equal(marks.length, (await snapshot()).backups.length, 'one mark per listed backup');
    await pressInWebview('#as-text', ['Enter']);
    const doc = await waitFor('the text preview', () => {
      const d = vscode.window.activeTextEditor?.document;
      return d?.uri.scheme === 'ha-backups-preview' && d;
    });
    assert.match(doc.getText(), /^# Retention preview/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});

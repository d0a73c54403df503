// The walkthrough (src/extension/firstRun.ts): contributed, opened once on the first activation after an
// install (never in Test mode unasked, never on a later activation), opened by Get Started, and its steps
// tick off on commands that exist.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { HaBackupsApi } from '../../src/extension/api';
import type { FirstRunProbe } from '../../src/extension/firstRun';
import type { TestProbe } from '../../src/extension/testProbe';
import { connectToEmulator } from './support/connection';
import { EXTENSION_ID } from './support/extensionApi';
import { itWithUi } from './support/harness';
import { screenshot } from './support/screenshot';
import { pressKeys, typeText } from './support/ui';
import { waitFor } from './support/waitFor';

interface WalkthroughStep {
  id: string;
  title: string;
  description: string;
  media: { image?: string; altText?: string };
  completionEvents?: string[];
  when?: string;
}
interface Walkthrough {
  id: string;
  title: string;
  steps: WalkthroughStep[];
}

type Probe = HaBackupsApi & TestProbe & FirstRunProbe;

async function probe(): Promise<Probe> {
  const ext = vscode.extensions.getExtension<Probe>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed`);
  const value = await ext.activate();
  assert.ok(value.firstRun, 'the extension exports no first-run probe (not in Test mode?)');
  return value;
}

function walkthroughs(): Walkthrough[] {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext);
  const contributes = (ext.packageJSON as { contributes?: { walkthroughs?: Walkthrough[] } }).contributes;
  return contributes?.walkthroughs ?? [];
}

/** The Getting Started editor (it has no tab input type of the API): its tab, once it is open. */
function gettingStartedTab(): vscode.Tab | undefined {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input === undefined && /welcome|walkthrough|get(ting)? started|home assistant/i.test(t.label));
}

async function closeGettingStarted(): Promise<void> {
  const tab = gettingStartedTab();
  if (tab) await vscode.window.tabGroups.close(tab);
}

describe('walkthrough: first run and Get Started', () => {
  before(async () => {
    await connectToEmulator();
    await closeGettingStarted();
  });

  after(async () => {
    await closeGettingStarted();
  });

  it('contributes the walkthrough with a step for each thing to learn, each with an image, a button and completion events', () => {
    const [walkthrough, ...others] = walkthroughs();
    assert.ok(walkthrough, 'package.json contributes no walkthrough');
    assert.equal(others.length, 0);
    assert.equal(walkthrough.id, 'gettingStarted');
    assert.deepEqual(
      walkthrough.steps.map((s) => s.id),
      ['connect', 'connectAddon', 'view', 'createBackup', 'policy', 'browse', 'failure'],
    );
    // Inside the add-on the connect step is replaced by one that says it is already connected.
    assert.equal(walkthrough.steps.find((s) => s.id === 'connectAddon')?.when, 'haBackups.connectionSource == addon');
    assert.equal(walkthrough.steps.find((s) => s.id === 'connect')?.when, 'haBackups.connectionSource != addon');
    for (const step of walkthrough.steps) {
      assert.ok(step.media.image && step.media.altText, `step ${step.id} has no image with alt text`);
      assert.ok(step.completionEvents?.length, `step ${step.id} has no completionEvents`);
      // Titles and texts are translated: VS Code has replaced every %key% of package.nls.json.
      assert.doesNotMatch(`${step.title} ${step.description}`, /%walkthrough\./, `step ${step.id} shows an untranslated %key%`);
      if (step.id !== 'connectAddon') assert.match(step.description, /\]\(command:[\w.]+\)/, `step ${step.id} has no button`);
    }
  });

  it("its steps' completion events and buttons name commands that exist", async () => {
    const commands = new Set(await vscode.commands.getCommands(true));
    const [walkthrough] = walkthroughs();
    assert.ok(walkthrough);
    const named: string[] = [];
    for (const step of walkthrough.steps) {
      for (const event of step.completionEvents ?? []) {
        const command = /^onCommand:(.+)$/.exec(event)?.[1];
        if (command) named.push(command);
        else assert.match(event, /^(onView:haBackups\.backups|onContext:.+|onStepSelected)$/, `step ${step.id}: unexpected completion event ${event}`);
      }
      for (const [, command] of step.description.matchAll(/\]\(command:([\w.]+)\)/g)) if (command) named.push(command);
    }
    assert.ok(named.length >= 8, `only ${named.length} commands named`);
    const missing = named.filter((c) => !commands.has(c));
    assert.deepEqual(missing, [], `not registered: ${missing.join(', ')}`);
    assert.ok(commands.has('haBackups.getStarted'));
  });

  it('the activation in Test mode did not open it; the first activation after an install opens it once, a second one does not', async () => {
    const { firstRun } = await probe();
    assert.equal(firstRun.walkthrough, `${EXTENSION_ID}#gettingStarted`);
    // The real activation of this run: Test mode, nobody asked.
    await waitFor('the activation to decide', () => firstRun.outcomes().length > 0);
    assert.deepEqual(firstRun.outcomes(), ['testMode']);
    assert.deepEqual(firstRun.opened(), []);
    assert.equal(gettingStartedTab(), undefined, 'the Getting Started page is open although nobody asked');

    // What activation runs, now as outside Test mode, on a profile that never saw the walkthrough.
    await firstRun.forget();
    assert.equal(await firstRun.activateAgain({ allowInTestMode: true }), 'opened');
    assert.deepEqual(firstRun.opened(), [firstRun.walkthrough]);
    await waitFor('the Getting Started page', () => gettingStartedTab());
    await closeGettingStarted();

    // The next activation (VS Code started again): remembered, nothing opens.
    assert.equal(await firstRun.activateAgain({ allowInTestMode: true }), 'alreadyShown');
    assert.deepEqual(firstRun.opened(), [firstRun.walkthrough]);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(gettingStartedTab(), undefined);
  });

  itWithUi('Get Started opens it again, at any time; steps tick off as the user does them', async () => {
    const { firstRun } = await probe();
    const before = firstRun.opened().length;
    await vscode.commands.executeCommand('haBackups.getStarted');
    assert.equal(firstRun.opened().length, before + 1);
    const tab = await waitFor('the Getting Started page', () => gettingStartedTab());
    assert.ok(tab.isActive);
    // As the user does them: the Backups view shown (onView), Show Log from the Command Palette (onCommand;
    // a command run from the extension host with executeCommand does not reach the workbench's listener).
    await vscode.commands.executeCommand('haBackups.backups.focus');
    await pressKeys(['F1']);
    await typeText('Home Assistant Backups: Show Log');
    await new Promise((r) => setTimeout(r, 500));
    await pressKeys(['Enter']);
    await new Promise((r) => setTimeout(r, 500));
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await new Promise((r) => setTimeout(r, 1000)); // the page renders its steps, ticks and images
    // Looked at: the walkthrough's title, its steps, "Look at your backups" and "When a backup fails" ticked.
    await screenshot('80-walkthrough');
  });
});

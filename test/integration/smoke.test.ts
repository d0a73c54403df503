// Smoke test of the harness itself: a real extension host, the fixture workspace, screenshots.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';
import { itWithUi } from './support/harness';
import { screenshot } from './support/screenshot';
import { clickButton } from './support/ui';

describe('smoke: integration-test harness', () => {
  it('runs inside a VS Code extension host', () => {
    assert.equal(typeof vscode.version, 'string');
    assert.match(vscode.version, /^\d+\.\d+\.\d+/);
  });

  it('opens the HA config fixture as the workspace folder', () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'no workspace folder is open');
    assert.ok(fs.existsSync(path.join(folder.uri.fsPath, 'configuration.yaml')), 'configuration.yaml is missing');
  });

  itWithUi('takes a screenshot of the workbench', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    await vscode.commands.executeCommand('workbench.view.explorer');
    await vscode.window.showTextDocument(vscode.Uri.joinPath(folder.uri, 'configuration.yaml'));
    await new Promise((resolve) => setTimeout(resolve, 1000)); // let the workbench paint
    const png = await screenshot('00-workbench');
    assert.ok(png && fs.existsSync(png), `${png} does not exist`);
    const size = fs.statSync(png).size;
    assert.ok(size > 10 * 1024, `${png} is only ${size} bytes`);
  });

  itWithUi('answers a modal dialog through the harness', async () => {
    const answer = vscode.window.showWarningMessage('Harness check: press Continue', { modal: true }, 'Continue', 'Other');
    await clickButton('Continue');
    assert.equal(await answer, 'Continue');
  });
});

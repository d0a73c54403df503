// Inside the Studio Code Server add-on, with a copy on Home Assistant Cloud: the extension reaches Home
// Assistant through the Supervisor's proxies to Core (ws://supervisor/core/websocket for the list,
// http://supervisor/core/api/backup/download for the copy) with the add-on's SUPERVISOR_TOKEN, so the cloud
// copy is in the tree and downloads like on a connection through Home Assistant.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { backupInfo, deleteBackup } from '../../src/core/homeAssistant/backupManager';
import { SupervisorWithAgentsClient } from '../../src/core/homeAssistant/coreInstall';
import { HomeAssistantTransport } from '../../src/core/homeAssistant/homeAssistantTransport';
import type { DownloadResult } from '../../src/core/download';
import { SupervisorClient, type Backup } from '../../src/core/supervisor';
import { emulator } from './support/emulatorControl';
import { snapshot } from './support/extensionApi';
import { waitFor } from './support/waitFor';

const ADMIN_LLAT = 'test-admin-llat';

describe('Inside the add-on, with a copy on Home Assistant Cloud', () => {
  let ha: HomeAssistantTransport;
  let dir: string;
  let slug: string | undefined;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'addon-agents-'));
    ha = new HomeAssistantTransport({ baseUrl: emulator.url, token: ADMIN_LLAT });
    // As Home Assistant's automatic backups do: one backup, on the Supervisor and the cloud.
    const { backup_job_id } = (await ha.command({
      type: 'backup/generate',
      agent_ids: ['hassio.local', 'cloud.cloud'],
      name: 'Add-on sees the cloud',
      password: 'cloud-password',
    })) as { backup_job_id: string };
    assert.ok(backup_job_id);
    const found = await waitFor('the backup on both agents', async () => {
      const info = await backupInfo(ha);
      return info.backups.find((b) => b.name === 'Add-on sees the cloud' && 'cloud.cloud' in b.copies && 'hassio.local' in b.copies);
    });
    slug = found.id;
    process.env.SUPERVISOR_TOKEN = emulator.token;
    process.env.HA_BACKUPS_SUPERVISOR_URL = emulator.url;
    // Forgetting the stored connection falls back to the environment, as at start-up in the add-on.
    await vscode.commands.executeCommand('haBackups.disconnect');
  });
  after(async () => {
    delete process.env.SUPERVISOR_TOKEN;
    delete process.env.HA_BACKUPS_SUPERVISOR_URL;
    // A stored connection again: the add-on connection would outlive the environment it came from.
    await vscode.commands.executeCommand('haBackups.connect', { mode: 'supervisor', url: emulator.url, token: emulator.token });
    if (slug) await deleteBackup(ha, slug);
    await ha.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows the cloud copy in the tree and downloads it through the Supervisor’s proxy to Home Assistant', async () => {
    const s = await waitFor('the cloud copy in the add-on’s list', async () => {
      const snap = await snapshot();
      return snap.connectionSource === 'addon' && snap.status === 'ready' && snap.backups.find((b) => b.slug === slug)?.description?.includes('Home Assistant Cloud') && snap;
    });
    assert.equal(s.connectionMode, 'supervisor');
    const node = { backup: await listed(slug!) };
    const [result] = await vscode.commands.executeCommand<(DownloadResult | undefined)[]>('haBackups.downloadBackup', node, [node], {
      directory: dir,
      location: 'cloud.cloud',
      decrypt: false,
    });
    assert.ok(result, 'downloaded');
    const size = (await backupInfo(ha)).backups.find((b) => b.id === slug)!.copies['cloud.cloud']!.size;
    assert.equal(result.bytes, size);
  });

  /** The backup as the extension lists it (what a tree node carries). */
  async function listed(id: string): Promise<Backup> {
    const client = new SupervisorWithAgentsClient({
      supervisor: new SupervisorClient(ha),
      homeAssistant: () => Promise.resolve(ha),
      http: () => {
        throw new Error('not used');
      },
    });
    const backup = (await client.listBackups()).backups.find((b) => b.slug === id);
    assert.ok(backup, `listed ${id}`);
    return backup;
  }
});

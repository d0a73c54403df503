// Home Assistant OS through Home Assistant, with a copy on Home Assistant Cloud: the Supervisor keeps the
// backup in its locations, Home Assistant's backup manager also has it on the cloud agent. The tree shows
// both copies, the cloud copy downloads through Home Assistant, and a delete removes every copy.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { backupInfo } from '../../src/core/homeAssistant/backupManager';
import { SupervisorWithAgentsClient } from '../../src/core/homeAssistant/coreInstall';
import { HomeAssistantTransport } from '../../src/core/homeAssistant/homeAssistantTransport';
import type { DownloadResult } from '../../src/core/download';
import { SupervisorClient, type Backup } from '../../src/core/supervisor';
import type { ConnectResult } from '../../src/extension/commands/connect';
import type { DeleteResult } from '../../src/extension/commands/deleteBackup';
import { connectToEmulator } from './support/connection';
import { emulator } from './support/emulatorControl';
import { snapshot } from './support/extensionApi';
import { itWithUi } from './support/harness';
import { clickButton, hoverRow, setSidebarWidth } from './support/ui';
import { waitFor } from './support/waitFor';

const ADMIN_LLAT = 'test-admin-llat';

describe('Home Assistant OS with a copy on Home Assistant Cloud', () => {
  let ha: HomeAssistantTransport;
  let dir: string;
  let slug: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hassio-agents-'));
    ha = new HomeAssistantTransport({ baseUrl: emulator.url, token: ADMIN_LLAT });
    // As Home Assistant's automatic backups do: one backup, on the Supervisor and the cloud.
    const { backup_job_id } = (await ha.command({
      type: 'backup/generate',
      agent_ids: ['hassio.local', 'cloud.cloud'],
      name: 'Also on the cloud',
      password: 'cloud-password',
    })) as {
      backup_job_id: string;
    };
    assert.ok(backup_job_id);
    const found = await waitFor('the backup on both agents', async () => {
      const info = await backupInfo(ha);
      return info.backups.find((b) => b.name === 'Also on the cloud' && 'cloud.cloud' in b.copies && 'hassio.local' in b.copies);
    });
    slug = found.id;
    const r = await vscode.commands.executeCommand<ConnectResult>('haBackups.connect', { mode: 'core', url: emulator.url, token: ADMIN_LLAT });
    assert.equal(r.ok, true, r.message);
    assert.match(r.message, /Home Assistant OS or Supervised, through Home Assistant/);
  });
  after(async () => {
    await ha.close();
    fs.rmSync(dir, { recursive: true, force: true });
    await connectToEmulator();
  });

  itWithUi('shows the backup with its copy on this system and on Home Assistant Cloud', async () => {
    const s = await waitFor('the cloud copy in the list', async () => {
      const snap = await snapshot();
      return snap.connectionMode === 'core' && snap.status === 'ready' && snap.backups.find((b) => b.slug === slug)?.description?.includes('Home Assistant Cloud') && snap;
    });
    const row = s.backups.find((b) => b.slug === slug)!;
    assert.match(row.tooltip, /This system: password protected/);
    assert.match(row.tooltip, /Home Assistant Cloud: password protected/);
    await vscode.commands.executeCommand('haBackups.backups.focus');
    await setSidebarWidth(560);
    await hoverRow('Also on the cloud', '92-hassio-cloud-copy');
  });

  it('downloads the cloud copy through Home Assistant', async () => {
    const node = { backup: await listed(slug) };
    const [result] = await vscode.commands.executeCommand<(DownloadResult | undefined)[]>('haBackups.downloadBackup', node, [node], {
      directory: dir,
      location: 'cloud.cloud',
      decrypt: false,
    });
    assert.ok(result, 'downloaded');
    const size = (await backupInfo(ha)).backups.find((b) => b.id === slug)!.copies['cloud.cloud']!.size;
    assert.equal(result.bytes, size);
  });

  it('deletes both copies', async () => {
    const node = { backup: await listed(slug) };
    const deleting = vscode.commands.executeCommand<DeleteResult>('haBackups.deleteBackup', node, [node]);
    await clickButton('Delete');
    assert.deepEqual((await deleting).deleted, [slug]);
    assert.ok(!(await backupInfo(ha)).backups.some((b) => b.id === slug), 'neither on the Supervisor nor on the cloud');
  });

  /** The backup as the extension lists it through Home Assistant (what a tree node carries). */
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

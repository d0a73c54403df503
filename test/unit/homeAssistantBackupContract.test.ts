// The client of Home Assistant's backup manager (src/core/homeAssistant/backupManager) against the emulated
// Core install (src/emulator, `install: core`, scenarios/core.json): the two were written from Home Assistant's
// sources by different hands, so this is where they must agree — detection, the list with copies per agent,
// a create followed to the finished backup, downloads with and without Core's decryption (read by the
// archive reader), an upload, and a delete that an unreachable agent leaves half done.
import assert from 'node:assert/strict';
import { openAsBlob } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { listBackup, readBackupJson } from '../../src/core/archive/index';
import { agentKind } from '../../src/core/backups';
import { agentsInfo, backupInfo, createAndFollow, deleteBackup, detectBackupManager, HomeAssistantBackupHttp } from '../../src/core/homeAssistant/backupManager';
import { HomeAssistantTransport } from '../../src/core/homeAssistant/homeAssistantTransport';
import { HomeAssistantWebSocket } from '../../src/core/homeAssistant/homeAssistantWebSocket';
import { instanceAgent } from '../../src/core/supervisor/transport';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server';
import { readAll, tempDir } from './archive/helpers';

const TOKEN = 'contract-admin-token';
const KEY = 'DEMO-CORE-KEY1-KEY2-KEY3-KEY4-KEY5';
const WEBDAV = 'webdav.01JKXV07ASC62D620DGYNG2R8H';
const SCENARIO = path.resolve(__dirname, '../../scenarios/core.json');

void describe('backup manager client against the emulated Core install', () => {
  let emu: RunningEmulator;
  let ha: HomeAssistantTransport;
  let socket: HomeAssistantWebSocket;
  let http: HomeAssistantBackupHttp;
  const agent = instanceAgent(undefined);
  const tmp = tempDir('ha-contract-');

  before(async () => {
    emu = await startEmulator({ port: 0, token: TOKEN, scenario: SCENARIO, install: 'core' });
    ha = new HomeAssistantTransport({ baseUrl: emu.url, token: TOKEN });
    socket = new HomeAssistantWebSocket({
      url: `${emu.url.replace(/^http/, 'ws')}/api/websocket`,
      token: TOKEN,
      dispatcher: agent,
      target: emu.url,
      explainOpenFailure: () => Promise.resolve(new Error('websocket failed to open')),
    });
    http = new HomeAssistantBackupHttp({ baseUrl: emu.url, token: TOKEN });
  });
  after(async () => {
    socket.close();
    await ha.close();
    await agent.close();
    await emu.close();
    tmp.cleanup();
  });

  void it('detects a Core install with the backup manager, and lists each backup with its copies per agent', async () => {
    const support = await detectBackupManager(ha);
    assert.deepEqual(support, { version: '2026.11.2', installType: 'core_or_container', supported: true, reason: null });
    const agents = await agentsInfo(ha);
    assert.deepEqual(
      agents.map((a) => [a.agentId, a.name, agentKind(a.agentId)]),
      [
        ['backup.local', 'local', 'local'],
        [WEBDAV, 'Nextcloud', 'network'],
        ['cloud.cloud', 'Home Assistant Cloud', 'cloud'],
      ],
    );
    const info = await backupInfo(ha);
    assert.deepEqual(info.agentErrors, {});
    assert.equal(info.backups.length, 4);
    const newest = info.backups.find((b) => b.name === 'Automatic backup 2026.11.2')!;
    assert.deepEqual(Object.keys(newest.copies).sort(), ['backup.local', 'cloud.cloud', WEBDAV].sort());
    assert.equal(newest.copies['backup.local']!.protected, false);
    assert.equal(newest.copies['cloud.cloud']!.protected, true);
    assert.equal(newest.origin, 'automatic');
    assert.match(newest.id, /^[0-9a-f]{8}$/);
    const failed = info.backups.find((b) => b.name === 'Automatic backup 2026.11.1')!;
    assert.deepEqual(failed.failures.agents, ['cloud.cloud']);
    const old = info.backups.find((b) => b.name === 'Old laptop install')!;
    assert.equal(old.content.database, false);
    assert.equal(old.content.homeassistantVersion, '2026.9.1');
  });

  void it('creates a backup on two agents and finds the finished backup by its job id', async () => {
    const stages: string[] = [];
    const outcome = await createAndFollow(
      ha,
      socket,
      { automatic: false, options: { agentIds: ['backup.local', 'cloud.cloud'], name: 'Contract backup', password: KEY } },
      { installType: 'core_or_container', onEvent: (e) => ('stage' in e && e.stage ? stages.push(e.stage) : undefined) },
    );
    assert.equal(outcome.outcome, 'completed');
    assert.ok(outcome.outcome === 'completed' && outcome.backup);
    assert.equal(outcome.foundBy, 'job_id');
    assert.equal(outcome.backup.id, outcome.backupJobId);
    assert.equal(outcome.backup.name, 'Contract backup');
    assert.deepEqual(Object.keys(outcome.backup.copies).sort(), ['backup.local', 'cloud.cloud']);
    assert.ok(stages.includes('home_assistant') && stages.includes('upload_to_agents'), stages.join(','));
  });

  void it('downloads the cloud copy encrypted, and decrypted by Core with the key; the archive reader reads both', async () => {
    const backup = (await backupInfo(ha)).backups.find((b) => b.name === 'Contract backup')!;
    const encrypted = await http.download(backup.id, 'cloud.cloud');
    const encryptedFile = path.join(tmp.dir, 'encrypted.tar');
    await writeFile(encryptedFile, await readAll(encrypted.body));
    assert.equal(encrypted.fileName, 'contract_backup.tar');
    assert.equal((await readBackupJson(encryptedFile)).protected, true);
    const parts = await listBackup(encryptedFile, { password: KEY });
    assert.deepEqual(
      parts.archives.map((a) => [a.name, a.encrypted]),
      [['homeassistant.tar.gz', true]],
    );
    assert.ok(parts.archives[0]!.entries.some((e) => e.path === 'data/configuration.yaml'));

    const decrypted = await http.download(backup.id, 'cloud.cloud', { password: KEY });
    const decryptedFile = path.join(tmp.dir, 'decrypted.tar');
    await writeFile(decryptedFile, await readAll(decrypted.body));
    assert.equal((await readBackupJson(decryptedFile)).protected, false);
    const plain = await listBackup(decryptedFile);
    assert.deepEqual(
      plain.archives.map((a) => [a.name, a.encrypted]),
      [['homeassistant.tar.gz', false]],
    );
  });

  void it('uploads an archive to a chosen agent and gets its backup id back', async () => {
    const backup = (await backupInfo(ha)).backups.find((b) => b.name === 'Contract backup')!;
    const file = path.join(tmp.dir, 'decrypted.tar');
    const { backupId } = await http.upload([WEBDAV], { fileName: 'decrypted.tar', blob: await openAsBlob(file) });
    assert.equal(backupId, backup.id);
    const after = (await backupInfo(ha)).backups.find((b) => b.id === backupId)!;
    assert.ok(after.copies[WEBDAV], JSON.stringify(after.copies));
  });

  void it('a delete an unreachable agent refuses is not "deleted", and says which copy remains', async () => {
    const backup = (await backupInfo(ha)).backups.find((b) => b.name === 'Contract backup')!;
    const res = await fetch(`${emu.url}/_emulator/core/backup/agents/cloud.cloud`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ unreachable: true }),
    });
    assert.equal(res.status, 200, await res.text());
    const outcome = await deleteBackup(ha, backup.id);
    assert.equal(outcome.deleted, false);
    assert.deepEqual(Object.keys(outcome.agentErrors), ['cloud.cloud']);
    const info = await backupInfo(ha);
    assert.deepEqual(Object.keys(info.agentErrors), ['cloud.cloud'], 'the unreachable agent is named in the list too');
  });
});

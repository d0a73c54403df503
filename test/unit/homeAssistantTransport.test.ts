// What is particular to HomeAssistantTransport: the admin requirement, the proxy's slug allowlist,
// the default backup key, one reused websocket that reconnects, and Core's message-less errors.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SupervisorClient } from '../../src/core/supervisor';
import { HomeAssistantTransport, readHomeAssistantBackupConfig } from '../../src/core/homeAssistant';
import { startEmulator } from '../../src/emulator/server';
import type { RunningEmulator } from '../../src/emulator/server';
import { HA_ADMIN_TOKEN, HA_USER_TOKEN, DEFAULT_BACKUP_KEY, rejectsWith, startScenarioEmulator } from './transportScenarios';

describe('HomeAssistantTransport', () => {
  let emu: RunningEmulator;
  const transports: HomeAssistantTransport[] = [];
  const transport = (token = HA_ADMIN_TOKEN, baseUrl = emu.url): HomeAssistantTransport => {
    const t = new HomeAssistantTransport({ baseUrl, token });
    transports.push(t);
    return t;
  };
  const control = async (p: string, body?: unknown, method = 'POST'): Promise<unknown> => {
    const res = await fetch(`${emu.url}/_emulator${p}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return res.json();
  };
  const connections = async () => (await control('/core/connections', undefined, 'GET')) as { open: number; accepted: number };

  before(async () => {
    emu = await startScenarioEmulator();
  });
  after(async () => {
    await Promise.all(transports.map((t) => t.close()));
    await emu.close();
  });

  it('connects, authenticates and knows the Home Assistant version', async () => {
    assert.deepEqual(await transport().connect(), { haVersion: '2026.11.2' });
  });

  it('says an administrator token is needed when the user is not one', async () => {
    const client = new SupervisorClient(transport(HA_USER_TOKEN));
    const err = await rejectsWith(client.listBackups(), 'forbidden_role', /not an administrator.*long-lived access token of an administrator/);
    assert.doesNotMatch(err.message, new RegExp(HA_USER_TOKEN));
    const [newest] = (await new SupervisorClient(transport()).listBackups()).backups;
    // The proxy answers a bare 401; the websocket tells a non-admin from a bad token.
    await rejectsWith(client.download(newest!.slug), 'forbidden_role', /not an administrator/);
    await rejectsWith(new SupervisorClient(transport('bad-token')).download(newest!.slug), 'token_rejected', /rejected the access token/);
  });

  it("refuses up front to download a backup whose slug Core's proxy does not pass", async () => {
    const client = new SupervisorClient(transport());
    const err = await rejectsWith(client.download('imported_2025'), 'api', /Backup imported_2025 cannot be downloaded through Home Assistant.*8 hexadecimal/);
    assert.equal(err.path, '/backups/imported_2025/download');
    // JSON calls do not go through the proxy: the backup itself is reachable.
    assert.equal((await client.backupInfo('imported_2025')).name, 'Imported');
  });

  it("reads Home Assistant's default backup key", async () => {
    assert.deepEqual(await readHomeAssistantBackupConfig(transport()), { defaultBackupKey: DEFAULT_BACKUP_KEY, agentIds: ['hassio.local'], automaticBackupsConfigured: true });
    await rejectsWith(readHomeAssistantBackupConfig(transport(HA_USER_TOKEN)), 'forbidden_role', /administrator/);
  });

  it('reports no default key when backups were never set up', async () => {
    const bare = await startEmulator({ port: 0, token: 'x', scenario: { core: { tokens: [{ token: 'llat', admin: true }] } } });
    const t = new HomeAssistantTransport({ baseUrl: bare.url, token: 'llat' });
    try {
      assert.equal((await readHomeAssistantBackupConfig(t)).defaultBackupKey, null);
    } finally {
      await t.close();
      await bare.close();
    }
  });

  it('shares one websocket between calls, concurrent or not', async () => {
    const client = new SupervisorClient(transport());
    const before = await connections();
    await Promise.all([client.info(), client.listBackups(), client.mounts()]);
    await client.info();
    const afterCalls = await connections();
    assert.equal(afterCalls.accepted - before.accepted, 1);
  });

  it('opens a new websocket after Core closed the old one', async () => {
    const client = new SupervisorClient(transport());
    await client.info();
    await control('/core/disconnect');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await client.info()).state, 'running');
  });

  it('fails a call in flight when the connection drops, as a reset', async () => {
    const client = new SupervisorClient(transport());
    await client.info();
    await control('/faults', { faults: [{ match: 'GET /info', kind: 'delay', delayMs: 800 }] });
    const pending = client.info();
    setTimeout(() => void control('/core/disconnect'), 100);
    await rejectsWith(pending, 'connection_reset');
    await control('/faults', undefined, 'DELETE');
  });

  it("explains Core's message-less errors (the Supervisor answered plain text or not at all)", async () => {
    const client = new SupervisorClient(transport());
    await control('/faults', { faults: [{ match: 'GET /backups/info', kind: 'status', status: 502, body: 'Bad Gateway' }] });
    const err = await rejectsWith(client.listBackups(), 'api', /Home Assistant got no answer from the Supervisor for GET \/backups\/info/);
    assert.equal(err.status, 502);
  });

  it('times out with its own kind', async () => {
    await control('/faults', { faults: [{ match: 'GET /info', kind: 'delay', delayMs: 1000 }] });
    await rejectsWith(new SupervisorClient(transport()).info({ timeoutMs: 200 }), 'timeout');
    await control('/faults', undefined, 'DELETE');
  });

  it('tells an HTTP server without the websocket API from an unreachable one', async () => {
    const err = await rejectsWith(
      new SupervisorClient(transport(HA_ADMIN_TOKEN, `${emu.url}/not-home-assistant`)).info(),
      'network',
      /answered HTTP 401 but refused a websocket connection/,
    );
    assert.doesNotMatch(err.message, new RegExp(HA_ADMIN_TOKEN));
    await rejectsWith(new SupervisorClient(transport(HA_ADMIN_TOKEN, 'http://no-such-host.invalid:8123')).info(), 'dns');
  });
});

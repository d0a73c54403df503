// The Supervisor's proxy to Core's websocket API for add-ons (`/core/websocket`), spoken to with
// undici's WebSocket: the Supervisor's own auth phase with add-on tokens, commands passed through to
// the Home Assistant front, and the 2026.08.0 filter of `supervisor/*` and `hassio/*` command types.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deniedCommand } from '../../src/emulator/homeAssistant/supervisorProxy';
import { BACKUP_TOKEN, FAST_SCENARIO, startTestEmulator, TOKEN } from './helpers';
import type { TestEmulator } from './helpers';
import type { Scenario } from '../../src/emulator/scenario';
import { Client } from './wsClient';

const KEY = 'ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ12';
/** An add-on whose config lacks `homeassistant_api: true`. */
const NO_HA_API = 'no-homeassistant-api-token';
const HA_LLAT = 'ha-admin-llat';
const UNAUTHORIZED = { code: 'unauthorized', message: 'Unauthorized' };

const SCENARIO: Scenario = {
  ...FAST_SCENARIO,
  homeassistantVersion: '2026.11.2',
  supervisorVersion: '2026.08.0',
  tokens: [...(FAST_SCENARIO.tokens ?? []), { token: NO_HA_API, role: 'manager' }],
  core: {
    tokens: [{ token: HA_LLAT, admin: true }],
    backupConfig: { automatic_backups_configured: true, create_backup: { password: KEY, agent_ids: ['hassio.local'] } },
    tokensWithoutHomeassistantApi: [NO_HA_API],
  },
};

async function login(url: string, auth: Record<string, unknown>, path = '/core/websocket'): Promise<Client> {
  const client = await Client.open(url, path);
  assert.deepEqual(await client.next(), { type: 'auth_required', ha_version: '2026.11.2' });
  client.send(auth);
  assert.deepEqual(await client.next(), { type: 'auth_ok', ha_version: '2026.11.2' });
  return client;
}

describe("Supervisor's Home Assistant websocket proxy", () => {
  let emu: TestEmulator;

  before(async () => {
    emu = await startTestEmulator(SCENARIO);
  });
  after(() => emu.close());

  const connections = async () => (await emu.control('GET', '/_emulator/core/connections')).json as unknown as { open: number; accepted: number };

  it("authenticates an add-on's Supervisor token itself and passes Core's answers through", async () => {
    const client = await login(emu.url, { type: 'auth', access_token: TOKEN });
    const answer = await client.command({ type: 'backup/config/info' });
    assert.equal(answer.success, true);
    const config = (answer.result as { config: { create_backup: { password: string | null; agent_ids: string[] }; automatic_backups_configured: boolean } }).config;
    assert.equal(config.create_backup.password, KEY);
    assert.deepEqual(config.create_backup.agent_ids, ['hassio.local']);
    assert.equal(config.automatic_backups_configured, true);
    // Core's own errors come back untouched.
    assert.deepEqual((await client.command({ type: 'backup/nope' })).error, { code: 'unknown_command', message: 'Unknown command.' });
    client.ws.close(1000);
    assert.equal(await client.closed(), 1000);
  });

  it('accepts any add-on with homeassistant_api, whatever its role, and api_password too', async () => {
    const backupRole = await login(emu.url, { type: 'auth', access_token: BACKUP_TOKEN });
    assert.equal((await backupRole.command({ type: 'backup/config/info' })).success, true);
    backupRole.ws.close();
    // The Supervisor reads `api_password` or `access_token` and does not look at `type`.
    const legacy = await login(emu.url, { api_password: TOKEN });
    assert.equal((await legacy.exchange({ type: 'ping' })).type, 'pong');
    legacy.ws.close();
  });

  it('serves the other paths of the same handler', async () => {
    for (const path of ['/core/api/websocket', '/homeassistant/websocket', '/homeassistant/api/websocket']) {
      const client = await login(emu.url, { type: 'auth', access_token: TOKEN }, path);
      assert.equal((await client.command({ type: 'backup/config/info' })).success, true, path);
      client.ws.close();
    }
  });

  it('refuses a bad token, a Core long-lived token and an add-on without homeassistant_api with "Invalid access"', async () => {
    for (const token of ['not-a-token', HA_LLAT, NO_HA_API]) {
      const client = await Client.open(emu.url, '/core/websocket');
      assert.equal((await client.next()).type, 'auth_required');
      client.send({ type: 'auth', access_token: token });
      assert.deepEqual(await client.next(), { type: 'auth_invalid', message: 'Invalid access' }, token);
      assert.equal(await client.closed(), 1000, token);
    }
  });

  it('closes without an answer when the auth message is not JSON', async () => {
    const client = await Client.open(emu.url, '/core/websocket');
    await client.next();
    client.send('{not json');
    assert.equal(await client.closed(), 1000);
  });

  it('answers supervisor/* and hassio/* commands itself with unauthorized and stays usable', async () => {
    const client = await login(emu.url, { type: 'auth', access_token: TOKEN });
    const denied = await client.command({ type: 'supervisor/api', endpoint: '/backups', method: 'get' });
    assert.deepEqual(denied, { id: denied.id, type: 'result', success: false, error: UNAUTHORIZED });
    assert.deepEqual((await client.command({ type: 'hassio/update/config' })).error, UNAUTHORIZED);
    assert.deepEqual((await client.command({ type: 'supervisor/subscribe' })).error, UNAUTHORIZED);
    // The id is echoed as sent, null when there is none.
    client.send({ type: 'supervisor/api', endpoint: '/info', method: 'get' });
    assert.deepEqual(await client.next(), { id: null, type: 'result', success: false, error: UNAUTHORIZED });
    // Other commands still reach Core, and denied ids never did (so they do not count as used).
    assert.equal((await client.command({ type: 'backup/config/info' })).success, true);
    client.ws.close();
  });

  it('passes everything on before Supervisor 2026.08.0 (Core then runs supervisor/api as the Supervisor)', async () => {
    const old = await startTestEmulator({ ...SCENARIO, supervisorVersion: '2026.07.3' });
    try {
      const client = await login(old.url, { type: 'auth', access_token: BACKUP_TOKEN });
      // /mounts is beyond the backup role: Core calls it with its own admin token.
      const mounts = await client.command({ type: 'supervisor/api', endpoint: '/mounts', method: 'get' });
      assert.equal(mounts.success, true);
      client.ws.close();
    } finally {
      await old.close();
    }
  });

  it('opens one Core connection per add-on connection and closes it with the add-on', async () => {
    const start = await connections();
    const client = await login(emu.url, { type: 'auth', access_token: TOKEN });
    assert.equal((await client.exchange({ type: 'ping' })).type, 'pong');
    const during = await connections();
    assert.equal(during.accepted - start.accepted, 1);
    assert.equal(during.open - start.open, 1);
    client.ws.close();
    await client.closed();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await connections()).open, start.open);
  });

  it("closes the add-on's connection normally when Core goes away", async () => {
    const client = await login(emu.url, { type: 'auth', access_token: TOKEN });
    assert.equal((await client.exchange({ type: 'ping' })).type, 'pong');
    assert.equal((await emu.control('POST', '/_emulator/core/disconnect')).status, 200);
    // Core says "going away"; the Supervisor closes its side with aiohttp's default code.
    assert.equal(await client.closed(), 1000);
  });

  it('answers a plain GET like aiohttp: 400, no upgrade', async () => {
    const res = await fetch(`${emu.url}/core/websocket`);
    assert.equal(res.status, 400);
    assert.equal(await res.text(), 'No WebSocket UPGRADE hdr: None\n Can "Upgrade" only to "WebSocket".');
    assert.equal((await fetch(`${emu.url}/core/websocket`, { method: 'POST' })).status, 405);
  });

  it('filters only JSON objects with a string type, like proxy.py', () => {
    assert.deepEqual(deniedCommand('{"id":3,"type":"supervisor/api"}'), { type: 'supervisor/api', id: 3 });
    assert.deepEqual(deniedCommand('{"id":4,"type":"hassio/x"}'), { type: 'hassio/x', id: 4 });
    assert.equal(deniedCommand('{"id":5,"type":"backup/config/info"}'), null);
    assert.equal(deniedCommand('{"id":6,"type":"supervisorx"}'), null);
    assert.equal(deniedCommand('not json'), null);
    assert.equal(deniedCommand('{"id":7,"type":7}'), null);
    // proxy.py calls .get() on the parsed message: an array (which Core takes as several commands) is not looked into.
    assert.equal(deniedCommand('[{"id":8,"type":"supervisor/api"}]'), null);
  });
});

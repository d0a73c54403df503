// The Home Assistant front's websocket API, spoken to with undici's WebSocket (an independent
// client): the auth handshake, `supervisor/api` with Core's error mapping, `backup/config/info`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FAST_SCENARIO, startTestEmulator } from './helpers';
import type { TestEmulator } from './helpers';
import { Client, type Msg } from './wsClient';

const ADMIN = 'admin-llat';
const USER = 'user-llat';
const KEY = 'ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ12';

describe('Home Assistant front: websocket API', () => {
  let emu: TestEmulator;
  let nextId = 1;

  before(async () => {
    emu = await startTestEmulator({
      ...FAST_SCENARIO,
      homeassistantVersion: '2026.11.2',
      core: {
        tokens: [
          { token: ADMIN, admin: true },
          { token: USER, admin: false },
        ],
        backupConfig: { automatic_backups_configured: true, create_backup: { password: KEY, agent_ids: ['hassio.local'] } },
      },
    });
  });
  after(() => emu.close());

  async function login(token: string): Promise<Client> {
    const client = await Client.open(emu.url, '/api/websocket');
    assert.deepEqual(await client.next(), { type: 'auth_required', ha_version: '2026.11.2' });
    client.send({ type: 'auth', access_token: token });
    assert.deepEqual(await client.next(), { type: 'auth_ok', ha_version: '2026.11.2' });
    return client;
  }

  async function command(client: Client, msg: Record<string, unknown>): Promise<Msg> {
    const id = nextId++;
    client.send({ id, ...msg });
    const answer = await client.next();
    assert.equal(answer.id, id);
    assert.equal(answer.type, 'result');
    return answer;
  }

  const api = (endpoint: string, method = 'get', extra: Record<string, unknown> = {}) => ({ type: 'supervisor/api', endpoint, method, ...extra });

  it('rejects a wrong token with auth_invalid and closes', async () => {
    const client = await Client.open(emu.url, '/api/websocket');
    assert.equal((await client.next()).type, 'auth_required');
    client.send({ type: 'auth', access_token: 'nope' });
    assert.deepEqual(await client.next(), { type: 'auth_invalid', message: 'Invalid access token or password' });
    assert.equal(await client.closed(), 1000);
  });

  it('rejects a malformed auth message', async () => {
    const client = await Client.open(emu.url, '/api/websocket');
    await client.next();
    client.send({ type: 'login', access_token: ADMIN });
    const answer = await client.next();
    assert.equal(answer.type, 'auth_invalid');
    assert.match(String(answer.message), /^Auth message incorrectly formatted/);
    await client.closed();
  });

  it('forwards supervisor/api and returns the Supervisor data without its envelope', async () => {
    const client = await login(ADMIN);
    const answer = await command(client, api('/backups/info'));
    assert.equal(answer.success, true);
    const result = answer.result as { backups: { name: string }[]; days_until_stale: number };
    assert.equal(result.days_until_stale, 30);
    assert.deepEqual(result.backups.map((b) => b.name).sort(), ['Seeded full', 'Seeded partial', 'Seeded protected']);
    client.ws.close();
  });

  it("passes data, any method (with Core's admin rights) and params", async () => {
    const client = await login(ADMIN);
    // /mounts and /jobs need more than a backup role: Core's own token may call everything.
    assert.equal((await command(client, api('/mounts'))).success, true);
    const started = await command(client, api('/backups/new/full', 'post', { data: { name: 'Via Core', background: true }, timeout: null }));
    const jobId = (started.result as { job_id: string }).job_id;
    const job = await emu.waitForJob(jobId);
    const slug = String(job.reference);
    assert.match(slug, /^[0-9a-f]{8}$/);
    assert.equal((await command(client, api(`/backups/${slug}`, 'delete'))).success, true);
    const gone = await command(client, api(`/backups/${slug}/info`));
    assert.deepEqual(gone.error, { code: 'unknown_error', message: 'Backup does not exist' });
    client.ws.close();
  });

  it('maps Supervisor errors to unknown_error with only the message', async () => {
    const client = await login(ADMIN);
    const bad = await command(client, api('/backups/new/full', 'post', { data: { name: 'x', bogus: 1 } }));
    assert.equal(bad.success, false);
    assert.deepEqual(Object.keys(bad.error!).sort(), ['code', 'message']);
    assert.equal(bad.error!.code, 'unknown_error');
    assert.match(bad.error!.message, /extra keys not allowed/);
    // A plain-text error or a timeout leaves Core without a message.
    await emu.control('POST', '/_emulator/faults', { faults: [{ match: 'GET /backups/info', kind: 'status', status: 502, body: 'Bad Gateway' }] });
    assert.deepEqual((await command(client, api('/backups/info'))).error, { code: 'unknown_error', message: '' });
    await emu.control('POST', '/_emulator/faults', { faults: [{ match: 'GET /info', kind: 'delay', delayMs: 800 }] });
    assert.deepEqual((await command(client, api('/info', 'get', { timeout: 0.2 }))).error, { code: 'unknown_error', message: '' });
    await emu.control('DELETE', '/_emulator/faults');
    client.ws.close();
  });

  it('refuses endpoints that are not clean paths', async () => {
    const client = await login(ADMIN);
    for (const endpoint of ['/backups/../info', '/backups?x=1', 'backups', '/backups/a b']) {
      assert.deepEqual((await command(client, api(endpoint))).error, { code: 'unknown_error', message: '' }, endpoint);
    }
    client.ws.close();
  });

  it('validates the command like voluptuous', async () => {
    const client = await login(ADMIN);
    const extra = await command(client, api('/info', 'get', { bogus: true }));
    assert.equal(extra.error!.code, 'invalid_format');
    assert.match(extra.error!.message, /extra keys not allowed @ data\['bogus'\]/);
    const missing = await command(client, { type: 'supervisor/api', endpoint: '/info' });
    assert.match(missing.error!.message, /required key not provided @ data\['method'\]/);
    client.ws.close();
  });

  it('gives a non-admin user unauthorized, except for add-on info', async () => {
    const client = await login(USER);
    assert.deepEqual((await command(client, api('/backups/info'))).error, { code: 'unauthorized', message: 'Unauthorized' });
    assert.deepEqual((await command(client, { type: 'backup/config/info' })).error, { code: 'unauthorized', message: 'Unauthorized' });
    const addon = await command(client, api('/addons/core_mosquitto/info'));
    assert.notEqual(addon.error?.code, 'unauthorized');
    client.ws.close();
  });

  it('answers backup/config/info with the scenario settings and defaults', async () => {
    const client = await login(ADMIN);
    const answer = await command(client, { type: 'backup/config/info' });
    const config = (answer.result as { config: Record<string, unknown> }).config;
    assert.equal(config.automatic_backups_configured, true);
    assert.deepEqual(config.create_backup, {
      agent_ids: ['hassio.local'],
      include_addons: null,
      include_all_addons: false,
      include_database: true,
      include_folders: null,
      name: null,
      password: KEY,
    });
    assert.deepEqual(config.retention, { copies: null, days: null });
    // handle_config_info leaves out the deprecated schedule.state.
    assert.deepEqual(config.schedule, { days: [], recurrence: 'never', time: null });
    client.ws.close();
  });

  it('knows ping, refuses unknown commands, reused ids and malformed messages', async () => {
    const client = await login(ADMIN);
    const id = nextId++;
    client.send({ id, type: 'ping' });
    assert.deepEqual(await client.next(), { id, type: 'pong' });
    assert.deepEqual((await command(client, { type: 'backup/nope' })).error, { code: 'unknown_command', message: 'Unknown command.' });
    client.send({ id, type: 'ping' });
    assert.deepEqual(await client.next(), { id, type: 'result', success: false, error: { code: 'id_reuse', message: 'Identifier values have to increase.' } });
    client.send({ type: 'ping' });
    assert.deepEqual((await client.next()).error, { code: 'invalid_format', message: 'Message incorrectly formatted.' });
    client.ws.close();
  });

  it('takes several commands in one JSON array', async () => {
    const client = await login(ADMIN);
    const a = nextId++;
    const b = nextId++;
    client.send([
      { id: a, type: 'ping' },
      { id: b, type: 'ping' },
    ]);
    assert.deepEqual(
      [await client.next(), await client.next()],
      [
        { id: a, type: 'pong' },
        { id: b, type: 'pong' },
      ],
    );
    client.ws.close();
  });

  it('closes every websocket on /_emulator/core/disconnect and counts connections', async () => {
    const client = await login(ADMIN);
    const counts = (await emu.control('GET', '/_emulator/core/connections')).json as { open: number; accepted: number };
    assert.ok(counts.open >= 1 && counts.accepted >= counts.open);
    assert.equal((await emu.control('POST', '/_emulator/core/disconnect')).status, 200);
    assert.equal(await client.closed(), 1001);
  });
});

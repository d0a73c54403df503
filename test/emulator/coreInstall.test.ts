// A Core (or Container) install: no Supervisor, Core's own backup manager. Fresh-install defaults,
// what is missing without a Supervisor, get_config, Home Assistant's clock, version gates, the CLI flag.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulator } from '../../src/emulator/server';
import type { RunningEmulator } from '../../src/emulator/server';
import { ADMIN, info, login, startCoreEmulator, USER } from './coreHelpers';
import { REPO_ROOT } from './helpers';
import type { TestEmulator } from './helpers';
import { Client } from './wsClient';

const TOKEN = 'fresh-core-llat';

void describe('Core install: a fresh one (no scenario)', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator({ port: 0, token: TOKEN, install: 'core' });
  });
  after(async () => {
    await emu.close();
    await rm(emu.dataDir, { recursive: true, force: true });
  });

  void it('has backup.local only, no backups, no agent errors, an idle manager; --token is an admin', async () => {
    const client = await login(emu.url, TOKEN);
    assert.deepEqual((await client.command({ type: 'backup/agents/info' })).result, { agents: [{ agent_id: 'backup.local', name: 'local' }] });
    assert.deepEqual(await info(client), {
      agent_errors: {},
      backups: [],
      last_attempted_automatic_backup: null,
      last_completed_automatic_backup: null,
      last_completed_automatic_backup_id: null,
      last_action_event: null,
      next_automatic_backup: null,
      next_automatic_backup_additional: false,
      state: 'idle',
    });
    client.ws.close();
  });

  void it('serves no Supervisor: REST routes and /api/hassio 404, supervisor/api unknown, no hassio component', async () => {
    const auth = { Authorization: `Bearer ${TOKEN}` };
    for (const p of ['/backups', '/supervisor/info', '/api/hassio/backups', '/api/hassio/supervisor/info']) {
      const res = await fetch(`${emu.url}${p}`, { headers: { ...auth, 'X-Supervisor-Token': TOKEN } });
      assert.equal(res.status, 404, p);
    }
    const client = await login(emu.url, TOKEN);
    const api = await client.command({ type: 'supervisor/api', endpoint: '/backups', method: 'get' });
    assert.deepEqual(api.error, { code: 'unknown_command', message: 'Unknown command.' });
    const config = (await client.command({ type: 'get_config' })).result as { components: string[]; version: string; time_zone: string };
    assert.equal(config.version, '2026.11.2');
    assert.ok(config.components.includes('backup'));
    assert.ok(!config.components.includes('hassio'));
    // The Supervisor's Core proxy for add-ons does not exist either.
    await assert.rejects(Client.open(emu.url, '/core/websocket'));
    client.ws.close();
  });

  void it('answers GET /api/ like Core, with a Date header from the emulated clock', async () => {
    const offset = 400 * 24 * 3600 * 1000;
    await fetch(`${emu.url}/_emulator/settings`, { method: 'POST', body: JSON.stringify({ clockOffsetMs: offset }) });
    const res = await fetch(`${emu.url}/api/`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { message: 'API running.' });
    const date = Date.parse(res.headers.get('date') ?? '');
    assert.ok(Math.abs(date - (Date.now() + offset)) < 5000, res.headers.get('date') ?? '');
    assert.equal((await fetch(`${emu.url}/api/`)).status, 401);
    await fetch(`${emu.url}/_emulator/settings`, { method: 'POST', body: JSON.stringify({ clockOffsetMs: 0 }) });
  });
});

void describe('Core install: users and versions', () => {
  let emu: TestEmulator;
  before(async () => {
    emu = await startCoreEmulator();
  });
  after(() => emu.close());

  void it('gives a non-admin unauthorized for every backup command', async () => {
    const client = await login(emu.url, USER);
    for (const type of ['backup/info', 'backup/agents/info', 'backup/subscribe_events', 'backup/generate_with_automatic_settings']) {
      assert.deepEqual((await client.command({ type })).error, { code: 'unauthorized', message: 'Unauthorized' }, type);
    }
    client.ws.close();
  });

  void it('knows no backup manager before 2025.1, and agents/info has no name in 2025.1', async () => {
    for (const [version, expectKnown] of [
      ['2024.12.5', false],
      ['2025.1.4', true],
    ] as const) {
      await emu.control('POST', '/_emulator/core/settings', { homeassistantVersion: version });
      const client = await login(emu.url, ADMIN, version);
      for (const type of ['backup/info', 'backup/agents/info', 'backup/generate', 'backup/delete', 'backup/restore']) {
        const answer = await client.command({ type });
        if (expectKnown) assert.notEqual(answer.error?.code, 'unknown_command', `${version} ${type}`);
        else assert.deepEqual(answer.error, { code: 'unknown_command', message: 'Unknown command.' }, `${version} ${type}`);
      }
      if (expectKnown) {
        const agents = (await client.command({ type: 'backup/agents/info' })).result as { agents: Record<string, unknown>[] };
        assert.deepEqual(agents.agents[0], { agent_id: 'backup.local' });
        const b = (await info(client)).backups[0] as Record<string, unknown>;
        assert.ok(Array.isArray(b.agent_ids) && !('agents' in b) && !('failed_addons' in b), JSON.stringify(b));
      }
      client.ws.close();
    }
    await emu.control('POST', '/_emulator/core/settings', { homeassistantVersion: '2026.11.2' });
  });

  void it('answers unsubscribe_events, and not_found for an unknown subscription', async () => {
    const client = await login(emu.url);
    client.send({ id: 1, type: 'backup/subscribe_events' });
    assert.equal((await client.next()).type, 'event');
    assert.equal((await client.next()).success, true);
    client.send({ id: 2, type: 'unsubscribe_events', subscription: 1 });
    assert.deepEqual(await client.next(), { id: 2, type: 'result', success: true, result: null });
    client.send({ id: 3, type: 'unsubscribe_events', subscription: 1 });
    assert.deepEqual((await client.next()).error, { code: 'not_found', message: 'Subscription not found.' });
    client.ws.close();
  });
});

void describe('Core install: the CLI', () => {
  void it('--install core serves Core without a Supervisor', async () => {
    const data = await mkdtemp(path.join(tmpdir(), 'emu-cli-core-'));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(REPO_ROOT, 'src/emulator/cli.ts'), '--port', '0', '--token', 'cli-llat', '--data', data, '--install', 'core'],
      {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
        });
        child.on('exit', () => reject(new Error(`exited: ${out}`)));
      });
      const m = /^Home Assistant Core emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      assert.ok(m, line);
      const url = m[1] ?? '';
      assert.equal((await fetch(`${url}/backups`, { headers: { 'X-Supervisor-Token': 'cli-llat' } })).status, 404);
      const client = await login(url, 'cli-llat');
      assert.equal((await info(client)).backups.length, 0);
      client.ws.close();
      const exit = new Promise((r) => child.on('exit', r));
      child.kill('SIGTERM');
      assert.equal(await exit, 0);
    } finally {
      child.kill('SIGKILL');
      await rm(data, { recursive: true, force: true });
    }
  });

  void it('refuses another --install', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/emulator/cli.ts'), '--port', '0', '--token', 'x', '--install', 'os'], {
      cwd: REPO_ROOT,
      stdio: 'ignore',
    });
    assert.equal(await new Promise((r) => child.on('exit', r)), 2);
  });
});

// readAddonHomeAssistantBackupConfig: Home Assistant's default backup key read from inside the
// add-on, through the Supervisor's Core websocket proxy (`/core/websocket`) with the add-on's
// Supervisor token.
import * as assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { AddonHomeAssistantConnection, readAddonHomeAssistantBackupConfig } from '../../src/core/homeAssistant';
import { acceptWebSocket } from '../../src/emulator/homeAssistant/webSocketPeer';
import { startEmulator } from '../../src/emulator/server';
import type { RunningEmulator } from '../../src/emulator/server';
import { HA_ADMIN_TOKEN, DEFAULT_BACKUP_KEY, rejectsWith, SCENARIO, SUPERVISOR_TOKEN } from './transportScenarios';

const NO_HA_API = 'addon-without-homeassistant-api';

/** A throwaway HTTP server on 127.0.0.1 (a stand-in for a Supervisor that behaves differently). */
async function listen(onUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void, status = 404): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(`${status}`);
  });
  server.on('upgrade', onUpgrade);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe('readAddonHomeAssistantBackupConfig', () => {
  let emu: RunningEmulator;
  const connections = async (): Promise<{ open: number; accepted: number }> =>
    (await (await fetch(`${emu.url}/_emulator/core/connections`)).json()) as { open: number; accepted: number };

  before(async () => {
    emu = await startEmulator({
      port: 0,
      token: SUPERVISOR_TOKEN,
      scenario: {
        ...SCENARIO,
        tokens: [{ token: NO_HA_API, role: 'manager' }],
        core: { ...SCENARIO.core, tokensWithoutHomeassistantApi: [NO_HA_API] },
      },
    });
  });
  after(() => emu.close());

  it("reads the default backup key with the add-on's Supervisor token, and closes again", async () => {
    const before = await connections();
    const settings = await readAddonHomeAssistantBackupConfig({ supervisorUrl: emu.url, token: SUPERVISOR_TOKEN });
    assert.deepEqual(settings, { defaultBackupKey: DEFAULT_BACKUP_KEY, agentIds: ['hassio.local'], automaticBackupsConfigured: true });
    await new Promise((r) => setTimeout(r, 50));
    const afterwards = await connections();
    assert.equal(afterwards.accepted - before.accepted, 1);
    assert.equal(afterwards.open, before.open);
  });

  it('reports no default key when backups were never set up', async () => {
    const bare = await startEmulator({ port: 0, token: 'addon-token' });
    try {
      assert.deepEqual(await readAddonHomeAssistantBackupConfig({ supervisorUrl: `${bare.url}/`, token: 'addon-token' }), {
        defaultBackupKey: null,
        agentIds: [],
        automaticBackupsConfigured: false,
      });
    } finally {
      await bare.close();
    }
  });

  it('says the token was rejected: unknown, a Core token, or an add-on without homeassistant_api', async () => {
    for (const token of ['not-a-supervisor-token', HA_ADMIN_TOKEN, NO_HA_API]) {
      const err = await rejectsWith(
        readAddonHomeAssistantBackupConfig({ supervisorUrl: emu.url, token }),
        'token_rejected',
        /did not let this token into Home Assistant's websocket API \(Invalid access\).*homeassistant_api/,
      );
      assert.doesNotMatch(err.message, new RegExp(token));
    }
  });

  it('says when nothing listens at the address', async () => {
    const { server, url } = await listen(() => undefined);
    await stop(server);
    await rejectsWith(
      readAddonHomeAssistantBackupConfig({ supervisorUrl: url, token: SUPERVISOR_TOKEN }),
      'connection_refused',
      /Connection refused by http:\/\/127\.0\.0\.1:\d+/,
    );
  });

  it('tells a Supervisor that cannot reach Core (502) from a server that is not a Supervisor', async () => {
    const refuse = (status: string) => (_req: IncomingMessage, socket: Duplex) => socket.end(`HTTP/1.1 ${status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    const down = await listen(refuse('502 Bad Gateway'), 502);
    const other = await listen(refuse('404 Not Found'), 404);
    try {
      await rejectsWith(
        readAddonHomeAssistantBackupConfig({ supervisorUrl: down.url, token: SUPERVISOR_TOKEN }),
        'network',
        /cannot reach Home Assistant Core \(HTTP 502 for \/core\/websocket\)/,
      );
      await rejectsWith(
        readAddonHomeAssistantBackupConfig({ supervisorUrl: other.url, token: SUPERVISOR_TOKEN }),
        'network',
        /answered HTTP 404 but refused a websocket connection at \/core\/websocket/,
      );
    } finally {
      await Promise.all([stop(down.server), stop(other.server)]);
    }
  });

  it('says when the Supervisor denies the command (as 2026.08.0 does for supervisor/* types)', async () => {
    // A stand-in for a Supervisor that filters more types than today's: every command is refused.
    const { server, url } = await listen((req, socket, head) => {
      const peer = acceptWebSocket(req, socket, head);
      if (!peer) return;
      peer.sendText(JSON.stringify({ type: 'auth_required', ha_version: '2026.11.2' }));
      let authenticated = false;
      peer.onText = (text) => {
        const msg = JSON.parse(text) as { id?: number };
        if (!authenticated) {
          authenticated = true;
          peer.sendText(JSON.stringify({ type: 'auth_ok', ha_version: '2026.11.2' }));
        } else {
          peer.sendText(JSON.stringify({ id: msg.id, type: 'result', success: false, error: { code: 'unauthorized', message: 'Unauthorized' } }));
        }
      };
    });
    try {
      const err = await rejectsWith(
        readAddonHomeAssistantBackupConfig({ supervisorUrl: url, token: SUPERVISOR_TOKEN }),
        'forbidden_role',
        /refused backup\/config\/info through its Home Assistant proxy \(Unauthorized\)/,
      );
      assert.equal(err.path, 'backup/config/info');
    } finally {
      await stop(server);
    }
  });

  it('times out on a Supervisor that never finishes the handshake, and can be cancelled', async () => {
    const { server, url } = await listen((req, socket, head) => void acceptWebSocket(req, socket, head));
    try {
      await rejectsWith(readAddonHomeAssistantBackupConfig({ supervisorUrl: url, token: SUPERVISOR_TOKEN, timeoutMs: 200 }), 'timeout');
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      await rejectsWith(readAddonHomeAssistantBackupConfig({ supervisorUrl: url, token: SUPERVISOR_TOKEN, signal: controller.signal }), 'aborted');
    } finally {
      await stop(server);
    }
  });

  it('keeps one connection for several commands (AddonHomeAssistantConnection)', async () => {
    const connection = new AddonHomeAssistantConnection({ supervisorUrl: emu.url, token: SUPERVISOR_TOKEN });
    try {
      assert.deepEqual(await connection.connect(), { haVersion: '2026.11.2' });
      const first = (await connection.command({ type: 'backup/config/info' })) as { config: { create_backup: { password: string } } };
      assert.equal(first.config.create_backup.password, DEFAULT_BACKUP_KEY);
      await rejectsWith(connection.command({ type: 'supervisor/api', endpoint: '/backups', method: 'get' }), 'forbidden_role', /refused supervisor\/api/);
      await rejectsWith(connection.command({ type: 'backup/nope' }), 'api', /Home Assistant refused backup\/nope: Unknown command\. \(unknown_command\)/);
    } finally {
      await connection.close();
    }
  });
});

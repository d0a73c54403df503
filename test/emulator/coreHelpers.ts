// Helpers for the Core-install tests: an emulator with `install: 'core'`, logged-in websocket clients,
// and a subscriber that collects the backup manager's events.
import assert from 'node:assert/strict';
import type { Scenario } from '../../src/emulator/scenario';
import { startTestEmulator } from './helpers';
import type { TestEmulator } from './helpers';
import { Client, type Msg } from './wsClient';

export const ADMIN = 'core-admin-llat';
export const USER = 'core-user-llat';
export const KEY = 'ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ12';
export const WEBDAV = 'webdav.01JKXV07ASC62D620DGYNG2R8H';

/** The three agents and a few backups, like scenarios/core.json but small and fast. */
export const CORE_SCENARIO: Scenario = {
  install: 'core',
  homeassistantVersion: '2026.11.2',
  newBackupPayloadBytes: 3000,
  core: {
    stepDelayMs: 20,
    restartDelayMs: 150,
    tokens: [
      { token: ADMIN, admin: true },
      { token: USER, admin: false },
    ],
    agents: [
      { agent_id: WEBDAV, name: 'Nextcloud' },
      { agent_id: 'cloud.cloud', name: 'Home Assistant Cloud' },
    ],
    backupConfig: { automatic_backups_configured: true, create_backup: { agent_ids: ['backup.local', 'cloud.cloud'], password: KEY } },
    backups: [
      {
        name: 'Automatic backup 2026.11.2',
        date: '2026-11-30T04:45:12.345678+01:00',
        agents: ['backup.local', 'cloud.cloud'],
        password: KEY,
        automatic: true,
        payloadBytes: 2000,
      },
      { name: 'Before the kitchen', date: '2026-11-20T19:02:03.000001+01:00', agents: ['backup.local', WEBDAV], payloadBytes: 1000 },
      { name: 'From another instance', date: '2026-10-01T04:50:00.5+02:00', agents: [WEBDAV], homeassistantVersion: '2026.9.1', database: false, payloadBytes: 500 },
    ],
  },
};

export function startCoreEmulator(scenario: Scenario | string = CORE_SCENARIO): Promise<TestEmulator> {
  return startTestEmulator(scenario);
}

export async function login(url: string, token = ADMIN, version = '2026.11.2'): Promise<Client> {
  const client = await Client.open(url, '/api/websocket');
  assert.deepEqual(await client.next(), { type: 'auth_required', ha_version: version });
  client.send({ type: 'auth', access_token: token });
  assert.deepEqual(await client.next(), { type: 'auth_ok', ha_version: version });
  return client;
}

/** A connection subscribed to backup/subscribe_events; `events` collects what follows the replayed one. */
export class Subscriber {
  readonly events: Record<string, unknown>[] = [];
  private stopped = false;

  private constructor(
    readonly client: Client,
    readonly replayed: Record<string, unknown>,
  ) {}

  static async open(url: string): Promise<Subscriber> {
    const client = await login(url);
    client.send({ id: 1, type: 'backup/subscribe_events' });
    const first = await client.next();
    assert.equal(first.type, 'event');
    assert.equal(first.id, 1);
    const result = await client.next();
    assert.deepEqual(result, { id: 1, type: 'result', success: true, result: null });
    const sub = new Subscriber(client, first.event as Record<string, unknown>);
    void sub.pump();
    return sub;
  }

  private async pump(): Promise<void> {
    while (!this.stopped) {
      let m: Msg;
      try {
        m = await this.client.next();
      } catch {
        return;
      }
      if (m.type === 'event' && m.id === 1) this.events.push(m.event as Record<string, unknown>);
    }
  }

  /** Waits until an idle event arrives after at least one other event; returns everything up to it. */
  async untilIdle(timeoutMs = 5000): Promise<Record<string, unknown>[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = this.events.findIndex((e, i) => i > 0 && e.manager_state === 'idle');
      if (at !== -1) return this.events.splice(0, at + 1);
      if (Date.now() > deadline) throw new Error(`no idle event: ${JSON.stringify(this.events)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  close(): void {
    this.stopped = true;
    this.client.ws.close();
  }
}

export type Backup = Record<string, unknown> & { backup_id: string; name: string; agents: Record<string, { protected: boolean; size: number }>; failed_agent_ids: string[] };
export type Info = { agent_errors: Record<string, string>; backups: Backup[]; state: string; [k: string]: unknown };

export async function info(client: Client): Promise<Info> {
  const answer = await client.command({ type: 'backup/info' });
  assert.equal(answer.success, true, JSON.stringify(answer.error));
  return answer.result as Info;
}

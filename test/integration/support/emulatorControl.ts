// Talks to the Supervisor emulator started by the harness: its URL, token and data folder come from
// the environment, and its /_emulator control routes inject faults and show the true state.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ENV } from '../../harness/protocol';

export interface EmulatorBackup {
  slug: string;
  name: string;
  date: string;
  type: 'full' | 'partial';
  size_bytes: number;
  protected: boolean;
  locations: (string | null)[];
  content: { homeassistant: boolean; addons: string[]; folders: string[] };
}

export const emulator = {
  get url(): string {
    return required(ENV.emulatorUrl);
  },
  get token(): string {
    return required(ENV.emulatorToken);
  },
  get dataDir(): string {
    return required(ENV.emulatorData);
  },

  async state(): Promise<{ backups: EmulatorBackup[]; state: string }> {
    const res = await fetch(`${this.url}/_emulator/state`);
    if (!res.ok) throw new Error(`emulator state: HTTP ${res.status}`);
    return (await res.json()) as { backups: EmulatorBackup[]; state: string };
  },

  async addFault(fault: Record<string, unknown>): Promise<void> {
    const res = await fetch(`${this.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ faults: [fault] }),
    });
    if (!res.ok) throw new Error(`emulator faults: HTTP ${res.status} ${await res.text()}`);
  },

  async clearFaults(): Promise<void> {
    await fetch(`${this.url}/_emulator/faults`, { method: 'DELETE' });
  },

  /** Makes every stage of a backup job take `ms` (slow jobs let a test act while one runs). */
  async setJobStepDelay(ms: number): Promise<void> {
    const res = await fetch(`${this.url}/_emulator/settings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jobStepDelayMs: ms }),
    });
    if (!res.ok) throw new Error(`emulator settings: HTTP ${res.status}`);
  },

  /**
   * Shifts the emulated Home Assistant host's clock to real time + `ms` (may be negative, at most 10
   * years either way; 0 puts it back): the Date header of every answer, the date of new backups, job
   * `created` times and the times of archives written from now on.
   */
  async setClockOffset(ms: number): Promise<void> {
    const res = await fetch(`${this.url}/_emulator/settings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clockOffsetMs: ms }),
    });
    if (!res.ok) throw new Error(`emulator settings: HTTP ${res.status} ${await res.text()}`);
  },

  /** Bytes of seeded data in the first part of the next backups (Home Assistant's when included). */
  async setNewBackupPayload(bytes: number): Promise<void> {
    const res = await fetch(`${this.url}/_emulator/settings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ newBackupPayloadBytes: bytes }),
    });
    if (!res.ok) throw new Error(`emulator settings: HTTP ${res.status} ${await res.text()}`);
  },

  /** Config files (relative path → text) the next backups hold over the defaults; {} for the defaults. */
  async setConfigFiles(files: Record<string, string>): Promise<void> {
    const res = await fetch(`${this.url}/_emulator/settings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ configFiles: files }),
    });
    if (!res.ok) throw new Error(`emulator settings: HTTP ${res.status} ${await res.text()}`);
  },

  /** Events fired on the emulated Home Assistant's event bus (`fire_event`), oldest first. */
  async homeAssistantEvents(): Promise<{ event_type: string; event_data: Record<string, unknown>; time_fired: string }[]> {
    const res = await fetch(`${this.url}/_emulator/core/events`);
    if (!res.ok) throw new Error(`emulator events: HTTP ${res.status}`);
    return (await res.json()) as { event_type: string; event_data: Record<string, unknown>; time_fired: string }[];
  },

  /** Settings of the emulated Home Assistant (`/_emulator/core/settings`), e.g. `{ autoBackupInstalled: true }`. */
  async homeAssistantSettings(settings: Record<string, unknown>): Promise<void> {
    const res = await fetch(`${this.url}/_emulator/core/settings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(settings) });
    if (!res.ok) throw new Error(`emulator Home Assistant settings: HTTP ${res.status} ${await res.text()}`);
  },

  /** Service calls made on the emulated Home Assistant (`call_service`), oldest first; `clear` forgets them first. */
  async serviceCalls(options: { clear?: boolean } = {}): Promise<{ domain: string; service: string; service_data: Record<string, unknown> }[]> {
    const res = await fetch(`${this.url}/_emulator/core/services/calls`, { method: options.clear ? 'DELETE' : 'GET' });
    if (!res.ok) throw new Error(`emulator service calls: HTTP ${res.status}`);
    return options.clear ? [] : ((await res.json()) as { domain: string; service: string; service_data: Record<string, unknown> }[]);
  },

  /** Per download path since the last resetRequests: requests, body bytes sent, answers by status. */
  async downloads(): Promise<Record<string, { requests: number; bytes: number; statuses: Record<string, number> }>> {
    const res = await fetch(`${this.url}/_emulator/state`);
    return ((await res.json()) as { downloads: Record<string, { requests: number; bytes: number; statuses: Record<string, number> }> }).downloads;
  },

  /** API requests the emulator saw since the last reset, by "METHOD /path". */
  async requests(): Promise<Record<string, number>> {
    return (await (await fetch(`${this.url}/_emulator/requests`)).json()) as Record<string, number>;
  },

  async resetRequests(): Promise<void> {
    await fetch(`${this.url}/_emulator/requests`, { method: 'DELETE' });
  },

  /**
   * Deletes the archive file of one copy of a backup behind the Supervisor's back (`location`: null or
   * '.local' for the local folder, else a mount name). The Supervisor's list still shows the copy until
   * it reloads; deleting the backup then answers 404 "Cannot delete backup at <path>, file does not
   * exist!" and leaves its other copies in place.
   */
  async removeArchiveFile(slug: string, location: string | null = null): Promise<string> {
    const res = await fetch(`${this.url}/_emulator/state`);
    if (!res.ok) throw new Error(`emulator state: HTTP ${res.status}`);
    const { files } = (await res.json()) as { files: Record<string, Record<string, string>> };
    const relative = files[slug]?.[location ?? '.local'];
    if (!relative) throw new Error(`the emulator has no copy of ${slug} in ${location ?? '.local'}`);
    const file = path.join(this.dataDir, relative);
    fs.rmSync(file);
    return file;
  },

  /** The archive files in the local backup folder (`/backup` on a real system). */
  localArchives(): string[] {
    const dir = path.join(this.dataDir, 'backup');
    return fs.existsSync(dir)
      ? fs
          .readdirSync(dir)
          .filter((f) => f.endsWith('.tar'))
          .sort()
      : [];
  },

  /** Every file the Supervisor holds: its backup folder, each mount's folder, and its temp folder (uploads). */
  storedFiles(): string[] {
    const out: string[] = [];
    const walk = (dir: string, prefix: string): void => {
      if (!fs.existsSync(dir)) return;
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(path.join(dir, entry.name), `${prefix}${entry.name}/`);
        else out.push(`${prefix}${entry.name}`);
      }
    };
    for (const top of ['backup', 'mounts', 'tmp']) walk(path.join(this.dataDir, top), `${top}/`);
    return out.sort();
  },

  /** Takes a backup mount down ('failed') or brings it back ('active'). */
  async setMountState(name: string, state: string): Promise<void> {
    const res = await fetch(`${this.url}/_emulator/mounts/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ state }) });
    if (!res.ok) throw new Error(`emulator mount ${name}: HTTP ${res.status}`);
  },

  /**
   * Home Assistant's backup settings as Core keeps them (what `backup/config/info` shows, plus the
   * deprecated `schedule.state`): the extension's `backup/config/update` calls land here.
   */
  async homeAssistantBackupConfig(): Promise<Record<string, unknown>> {
    const res = await fetch(`${this.url}/_emulator/core/backup/config`);
    if (!res.ok) throw new Error(`emulator Home Assistant backup config: HTTP ${res.status}`);
    return (await res.json()) as Record<string, unknown>;
  },

  /** A Supervisor restart: running jobs die and are forgotten. */
  async restart(): Promise<void> {
    const res = await fetch(`${this.url}/_emulator/restart`, { method: 'POST' });
    if (!res.ok) throw new Error(`emulator restart: HTTP ${res.status}`);
  },

  /** A call to the Supervisor API with the token, behind the extension's back (freeze, thaw, clean-up deletes). */
  async supervisor(method: string, route: string, body?: unknown): Promise<{ status: number; json: { result?: string; message?: string; data?: unknown } }> {
    const res = await fetch(`${this.url}${route}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as { result?: string; message?: string } };
  },
};

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the integration tests through test/harness/run-integration.ts`);
  return value;
}

// The backup agents of Core's backup manager (home-assistant/core homeassistant/components/backup/agent.py):
// `backup.local` (Core's own folder, <config>/backups, backup.py CoreLocalBackupAgent) and agents of other
// integrations (`cloud.cloud`, `webdav.<entry id>`, …). Each keeps its copies as whole archives in a folder
// of the data dir; tests can make an agent unreachable (BackupAgentUnreachableError) or slow.
import { existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { readCoreArchive } from './coreArchive';
import type { CoreBackupJson } from './coreArchive';

export const LOCAL_AGENT_ID = 'backup.local';

/** agent.py BackupAgentUnreachableError: `_message = "The backup agent is unreachable."`. */
export class AgentUnreachableError extends Error {
  readonly errorCode = 'backup_agent_unreachable';
  constructor() {
    super('The backup agent is unreachable.');
  }
}

/** One copy on one agent: its archive file and the backup.json read from it. */
export interface AgentCopy {
  file: string;
  size: number;
  json: CoreBackupJson;
}

export class FolderAgent {
  unreachable = false;
  delayMs = 0;

  constructor(
    readonly agentId: string,
    public name: string,
    readonly dir: string,
  ) {}

  get domain(): string {
    return this.agentId.slice(0, this.agentId.indexOf('.'));
  }

  get isLocal(): boolean {
    return this.agentId === LOCAL_AGENT_ID;
  }

  /** Every call to the agent starts here: its delay, then its reachability. */
  async reach(): Promise<void> {
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.unreachable) throw new AgentUnreachableError();
  }

  /** The copies in the folder (an archive that cannot be read is skipped, as Core's local agent logs and skips it). */
  async list(): Promise<AgentCopy[]> {
    await this.reach();
    return this.listNow();
  }

  async listNow(): Promise<AgentCopy[]> {
    if (!existsSync(this.dir)) return [];
    const copies: AgentCopy[] = [];
    for (const entry of (await fsp.readdir(this.dir)).sort()) {
      if (!entry.endsWith('.tar')) continue;
      const file = path.join(this.dir, entry);
      try {
        const data = await fsp.readFile(file);
        copies.push({ file, size: data.length, json: (await readCoreArchive(data)).json });
      } catch {
        // not a backup archive
      }
    }
    return copies;
  }

  async get(backupId: string): Promise<AgentCopy | null> {
    await this.reach();
    return this.copyOf(backupId);
  }

  async copyOf(backupId: string): Promise<AgentCopy | null> {
    return (await this.listNow()).find((c) => c.json.slug === backupId) ?? null;
  }

  /** Stores a copy; the local agent names it like Core (suggested_filename), the others `<backup_id>.tar`. */
  async upload(backupId: string, archive: Buffer, suggestedName: string): Promise<void> {
    await this.reach();
    await this.store(backupId, archive, suggestedName);
  }

  /** Writes a copy without going through the agent (seeded backups, the control API). */
  async store(backupId: string, archive: Buffer, suggestedName: string): Promise<void> {
    await fsp.mkdir(this.dir, { recursive: true });
    const existing = await this.copyOf(backupId);
    if (existing) await fsp.rm(existing.file, { force: true });
    await fsp.writeFile(path.join(this.dir, this.isLocal ? suggestedName : `${backupId}.tar`), archive);
  }

  /** False when the agent has no such copy (BackupNotFound, which delete ignores). */
  async delete(backupId: string): Promise<boolean> {
    await this.reach();
    const copy = await this.copyOf(backupId);
    if (!copy) return false;
    await fsp.rm(copy.file, { force: true });
    return true;
  }
}

// One model of a backup for both worlds: Home Assistant Core's backup manager (2025.1+, a backup is one
// `backup_id` with a copy per agent: home-assistant/core homeassistant/components/backup/manager.py
// ManagerBackup, models.py AgentBackupStatus) and the Supervisor (a backup is one slug with a copy per
// location). Core's hassio agent already maps the Supervisor onto agents (hassio/backup.py
// SupervisorBackupAgent: location ".local" → `hassio.local`, mount name → `hassio.<mount>`,
// backup_id = slug); `fromSupervisorBackup` does the same here, so a backup listed by either side is
// the same record. Pure functions only.
import type { Backup, BackupDetails } from '../supervisor/schemas';

/** One copy of a backup on one agent: size and protection are per copy (Core re-encrypts or decrypts per agent). */
export interface BackupCopy {
  protected: boolean;
  /** Bytes. */
  size: number;
}

export interface AddonRef {
  slug: string;
  name: string;
  version: string | null;
}

export interface BackupContent {
  homeassistant: boolean;
  /** Home Assistant's version in the backup; null when it is not included (or not known). */
  homeassistantVersion: string | null;
  /** Home Assistant's database included; null when the source does not say (a Supervisor list entry). */
  database: boolean | null;
  addons: AddonRef[];
  /** Core's Folder values: `share`, `addons/local`, `ssl`, `media` (and whatever a newer version adds). */
  folders: string[];
}

/**
 * Who made the backup, as far as Home Assistant tells:
 * - `automatic`: this instance's automatic settings (`with_automatic_settings: true`); only these are
 *   touched by Core's retention (manager.py `is_our_automatic_backup`);
 * - `app_update`: the backup Home Assistant makes before an add-on (app) update (extra
 *   `supervisor.addon_update`, or `supervisor.app_update` after the 2026 rename);
 * - `manual`: made by this instance, not with the automatic settings (`false`);
 * - `foreign`: anything else (`null`): another instance, the Supervisor API, an add-on, an upload.
 */
export type BackupOrigin = 'automatic' | 'app_update' | 'manual' | 'foreign';

export interface BackupFailures {
  /** Agents the upload to failed when the backup was made (Core's `failed_agent_ids`). */
  agents: string[];
  /** Add-ons that could not be backed up (Core 2025.6+). */
  addons: AddonRef[];
  /** Folders that could not be backed up (Core 2025.6+). */
  folders: string[];
}

export interface BackupRecord {
  /** Core's backup_id; for a Supervisor backup (and Core's hassio agents) the slug. */
  id: string;
  name: string;
  /** ISO date; `extra.supervisor.backup_request_date` wins over the archive's date, as in Core. */
  date: string;
  /** agent id → its copy. Agent ids are Core's: `backup.local`, `hassio.local`, `hassio.<mount>`, `cloud.cloud`, `<domain>.<unique_id>`. */
  copies: Record<string, BackupCopy>;
  content: BackupContent;
  /**
   * Core's extra_metadata / the Supervisor's `extra`, as sent. Core writes strings and booleans, but its hassio
   * agent passes the Supervisor's `extra` on as it is, so nested values arrive too: this extension's own tag
   * (`vscode_ha_backups: {policy, keep_days}`, src/core/options/extraTag.ts) is one.
   */
  extra: Record<string, unknown>;
  origin: BackupOrigin;
  failures: BackupFailures;
}

export const LOCAL_AGENT_IDS: readonly string[] = ['backup.local', 'hassio.local'];

/** Core's hassio agent for a Supervisor location: null / `.local` → `hassio.local`, a mount → `hassio.<mount>` (case kept). */
export function agentIdOfLocation(location: string | null): string {
  return location === null || location === '.local' ? 'hassio.local' : `hassio.${location}`;
}

/** The Supervisor location of a hassio agent id (the inverse of agentIdOfLocation); undefined for other agents. */
export function locationOfAgentId(agentId: string): string | null | undefined {
  if (agentId === 'hassio.local') return null;
  return agentId.startsWith('hassio.') ? agentId.slice('hassio.'.length) : undefined;
}

/**
 * Which icon an agent gets:
 * - `local`: the disk of the machine that runs Home Assistant (`backup.local` on Core/Container, `hassio.local` on OS/Supervised);
 * - `network`: storage on the person's own network: the Supervisor's network mounts (`hassio.<mount>`, CIFS/NFS), and
 *   the integrations that talk to a server one usually runs oneself (a Synology NAS, WebDAV, SFTP);
 * - `cloud`: a service on the internet (Home Assistant Cloud, Google Drive, OneDrive, Dropbox, Backblaze B2, S3,
 *   Azure, IDrive e2), and any agent whose domain is not known here: a custom integration is most likely a remote
 *   service, and "cloud" never suggests a copy is on the machine when it is not.
 */
export type AgentKind = 'local' | 'network' | 'cloud';

/** Domains of backup agent platforms in home-assistant/core (homeassistant/components/<domain>/backup.py) on the person's own network. */
const NETWORK_DOMAINS = new Set(['synology_dsm', 'webdav', 'sftp_storage', 'smb']);

export function agentKind(agentId: string): AgentKind {
  if (LOCAL_AGENT_IDS.includes(agentId)) return 'local';
  const domain = agentDomain(agentId);
  if (domain === 'hassio') return 'network';
  if (NETWORK_DOMAINS.has(domain)) return 'network';
  return 'cloud';
}

/** `cloud` of `cloud.cloud`, `google_drive` of `google_drive.<entry id>` (agent.py: agent_id = f"{domain}.{unique_id}"). */
export function agentDomain(agentId: string): string {
  const dot = agentId.indexOf('.');
  return dot === -1 ? agentId : agentId.slice(0, dot);
}

/**
 * The agents of `agentIds` in the order the frontend offers them for download and restore
 * (home-assistant/frontend src/data/backup.ts getPreferredAgentForDownload / compareAgents): the local
 * agent first (`backup.local`, `hassio.local`), then the Supervisor's network mounts (`hassio.<mount>`),
 * then the rest in their given order.
 */
export function orderAgents(agentIds: readonly string[]): string[] {
  const rank = (id: string): number => (LOCAL_AGENT_IDS.includes(id) ? 0 : agentDomain(id) === 'hassio' ? 1 : 2);
  return agentIds
    .map((id, i) => ({ id, i, r: rank(id) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.id);
}

/** The copy to download or restore from (see orderAgents); undefined when the backup has no copy at all. */
export function preferredCopy(record: Pick<BackupRecord, 'copies'>): { agentId: string; copy: BackupCopy } | undefined {
  const [agentId] = orderAgents(Object.keys(record.copies));
  if (agentId === undefined) return undefined;
  const copy = record.copies[agentId];
  return copy ? { agentId, copy } : undefined;
}

/** Origin from Core's `with_automatic_settings` and the extra metadata (see BackupOrigin). */
export function originOf(withAutomaticSettings: boolean | null | undefined, extra: Record<string, unknown>): BackupOrigin {
  // Before-update backups are made with with_automatic_settings false (hassio/backup.py
  // backup_addon_before_update): the tag says more than the flag.
  if (typeof extra['supervisor.addon_update'] === 'string' || typeof extra['supervisor.app_update'] === 'string') return 'app_update';
  if (withAutomaticSettings === true) return 'automatic';
  if (withAutomaticSettings === false) return 'manual';
  return 'foreign';
}

/** The date Core shows: `supervisor.backup_request_date` when the extra metadata has one (backup/util.py read_backup). */
export function effectiveDate(date: string, extra: Record<string, unknown>): string {
  const requested = extra['supervisor.backup_request_date'];
  return typeof requested === 'string' && requested !== '' ? requested : date;
}

/** An `extra` object as the record keeps it: every value that is not undefined (nested ones too), in a copy of its own. */
export function extraOf(extra: Record<string, unknown> | null | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(extra ?? {})) if (v !== undefined) out[k] = structuredClone(v);
  return out;
}

/** Locations Core does not show as agents: `.cloud_backup` is the Supervisor's temporary staging area for uploads to other agents (hassio/backup.py LOCATION_CLOUD_BACKUP). */
const HIDDEN_LOCATIONS = new Set(['.cloud_backup']);

/**
 * A Supervisor backup (a `/backups` list entry or `/backups/{slug}/info`) as the record Core's hassio
 * agents would make of it (hassio/backup.py _backup_details_to_agent_backup): one copy per location,
 * sizes and protection from `location_attributes` (older Supervisors without it: the backup's own size
 * and flag for every location), `database` from `homeassistant_exclude_database` when the details say.
 * `withAutomaticSettings` is Core's judgement, which needs the instance id: pass it when known.
 */
export function fromSupervisorBackup(backup: Backup | BackupDetails, withAutomaticSettings: boolean | null = null): BackupRecord {
  const copies: Record<string, BackupCopy> = {};
  const sizeBytes = 'size_bytes' in backup && typeof backup.size_bytes === 'number' ? backup.size_bytes : Math.round(backup.size * 1024 * 1024);
  for (const location of backup.locations) {
    if (location !== null && HIDDEN_LOCATIONS.has(location)) continue;
    const attrs = backup.location_attributes?.[location ?? '.local'];
    copies[agentIdOfLocation(location)] = attrs ? { protected: attrs.protected, size: attrs.size_bytes } : { protected: backup.protected, size: sizeBytes };
  }
  const extra = 'extra' in backup ? extraOf(backup.extra) : {};
  let content: BackupContent;
  if ('content' in backup) {
    content = {
      homeassistant: backup.content.homeassistant,
      homeassistantVersion: null,
      database: null,
      addons: backup.content.addons.map((slug) => ({ slug, name: slug, version: null })),
      folders: backup.content.folders.filter((f) => f !== 'homeassistant'),
    };
  } else {
    const homeassistant = backup.homeassistant !== null;
    content = {
      homeassistant,
      homeassistantVersion: backup.homeassistant,
      database: homeassistant ? backup.homeassistant_exclude_database !== true : false,
      addons: backup.addons.map((a) => ({ slug: a.slug, name: a.name, version: a.version ?? null })),
      folders: backup.folders.filter((f) => f !== 'homeassistant'),
    };
  }
  return {
    id: backup.slug,
    name: backup.name,
    date: effectiveDate(backup.date, extra),
    copies,
    content,
    extra,
    origin: originOf(withAutomaticSettings, extra),
    failures: { agents: [], addons: [], folders: [] },
  };
}

/**
 * One record of two views of the same backup (same id), e.g. Core's list and the Supervisor's: the copies
 * of both (for an agent in both, `primary`'s), the failures of both, and `primary`'s metadata where both
 * have it (give Core's record as primary: it knows the origin and the database). Content fields that
 * `primary` does not know (null version, null database, add-ons without names) are taken from `other`.
 */
export function mergeRecords(primary: BackupRecord, other: BackupRecord): BackupRecord {
  if (primary.id !== other.id) throw new Error(`Cannot merge backup ${primary.id} with backup ${other.id}: they are different backups`);
  const otherAddons = new Map(other.content.addons.map((a) => [a.slug, a]));
  const addons = primary.content.addons.map((a) => {
    const o = otherAddons.get(a.slug);
    return o && (a.version === null || a.name === a.slug) ? { slug: a.slug, name: a.name === a.slug ? o.name : a.name, version: a.version ?? o.version } : a;
  });
  return {
    ...primary,
    copies: { ...other.copies, ...primary.copies },
    content: {
      ...primary.content,
      homeassistantVersion: primary.content.homeassistantVersion ?? other.content.homeassistantVersion,
      database: primary.content.database ?? other.content.database,
      addons,
    },
    extra: { ...other.extra, ...primary.extra },
    origin: primary.origin === 'foreign' ? other.origin : primary.origin,
    failures: {
      agents: union(primary.failures.agents, other.failures.agents),
      addons: [...primary.failures.addons, ...other.failures.addons.filter((a) => !primary.failures.addons.some((p) => p.slug === a.slug))],
      folders: union(primary.failures.folders, other.failures.folders),
    },
  };
}

/** Records of several sources merged by id (first source first), newest first. */
export function mergeRecordLists(...lists: BackupRecord[][]): BackupRecord[] {
  const byId = new Map<string, BackupRecord>();
  for (const list of lists) {
    for (const r of list) {
      const seen = byId.get(r.id);
      byId.set(r.id, seen ? mergeRecords(seen, r) : r);
    }
  }
  return [...byId.values()].sort((a, b) => Date.parse(b.date) - Date.parse(a.date));
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])];
}

// Core's backups in the Supervisor's shapes, so the extension handles both with one code path. A
// location is the Supervisor's name for a copy; on a Core install the local disk (`backup.local`) is
// `null` ("this system", as the Supervisor's `.local`) and every other agent is its agent id
// (`cloud.cloud`, `webdav.01JK…`). Core has no add-ons and no folders there; a backup holds Home
// Assistant's configuration, with or without its database.
import { orderAgents, type BackupRecord } from '../../backups/record';
import type { Backup, BackupDetails, Location, StreamResponse } from '../../supervisor';
import type { BackupDownload } from '../backupManager';

export const CORE_LOCAL_AGENT = 'backup.local';

export function locationOfAgent(agentId: string): Location {
  return agentId === CORE_LOCAL_AGENT ? null : agentId;
}

export function agentOfLocation(location: Location): string {
  return location === null || location === '.local' ? CORE_LOCAL_AGENT : location;
}

const MIB = 1024 * 1024;

/** A download of Home Assistant's backup HTTP API as the Supervisor's download answer (Content-Length when Core sent one). */
export function asStreamResponse(d: BackupDownload): StreamResponse {
  const headers: Record<string, string | undefined> = {};
  if (d.size !== null) headers['content-length'] = String(d.size);
  return { status: 200, headers, body: d.body };
}

/** "Full" on a Core install: everything it can back up (configuration and database). */
function typeOf(record: BackupRecord): 'full' | 'partial' {
  return record.content.homeassistant && record.content.database !== false && record.content.addons.length === 0 && record.content.folders.length === 0 ? 'full' : 'partial';
}

export function asSupervisorBackup(record: BackupRecord): Backup {
  const agents = orderAgents(Object.keys(record.copies));
  const locations = agents.map(locationOfAgent);
  const attributes: Record<string, { protected: boolean; size_bytes: number }> = {};
  for (const agentId of agents) {
    const copy = record.copies[agentId];
    if (copy) attributes[locationOfAgent(agentId) ?? '.local'] = { protected: copy.protected, size_bytes: Math.round(copy.size) };
  }
  const first = agents[0] === undefined ? undefined : record.copies[agents[0]];
  const size = first?.size ?? 0;
  return {
    slug: record.id,
    name: record.name,
    date: record.date,
    type: typeOf(record),
    size: Math.round((size / MIB) * 100) / 100,
    size_bytes: Math.round(size),
    size_exact: true,
    location: locations[0] ?? null,
    locations,
    protected: Object.values(record.copies).some((c) => c.protected),
    location_attributes: attributes,
    compressed: true,
    content: { homeassistant: record.content.homeassistant, addons: record.content.addons.map((a) => a.slug), folders: record.content.folders },
    ...(record.origin === 'automatic' ? { automatic: true } : {}),
  };
}

export function asSupervisorDetails(record: BackupRecord): BackupDetails {
  const b = asSupervisorBackup(record);
  return {
    slug: b.slug,
    type: b.type,
    name: b.name,
    date: b.date,
    size: b.size,
    size_bytes: b.size_bytes,
    compressed: true,
    protected: b.protected,
    location_attributes: b.location_attributes,
    supervisor_version: null,
    homeassistant: record.content.homeassistantVersion,
    location: b.location,
    locations: b.locations,
    addons: record.content.addons.map((a) => ({ slug: a.slug, name: a.name, version: a.version })),
    repositories: [],
    folders: record.content.folders,
    homeassistant_exclude_database: record.content.database === null ? null : !record.content.database,
    extra: record.extra,
  };
}

// Where a remote backup can be read with Range requests, from Home Assistant's and the Supervisor's
// sources (ARCHITECTURE.md, "Ranged reads: where Range works"):
// - the Supervisor's own download (`GET /backups/{slug}/download`, an aiohttp FileResponse): yes, for a
//   copy in one of its locations — directly or inside the add-on;
// - through Home Assistant's `/api/hassio` proxy: no (hassio/http.py passes Range only for logs);
// - Home Assistant's `/api/backup/download`: only for the local agent (`backup.local`), which serves a
//   file; other agents stream from elsewhere.
// Otherwise the whole archive is fetched, and the note says why.
import type { Backup } from '../../core/supervisor';
import { isAgentLocation } from '../../core/homeAssistant/coreInstall/supervisorWithAgents';
import type { Connection } from '../connection/connectionManager';

export type RangedTarget = { url: string; token: string } | { note: string };

export function rangedTarget(connection: Connection, backup: Backup): RangedTarget {
  const slug = encodeURIComponent(backup.slug);
  if (!connection.verifyTls) return { note: `ranged reads are not used for ${connection.url}, whose certificate is not verified` };
  if (connection.system === 'home_assistant') {
    if (!backup.locations.includes(null)) return { note: `Home Assistant serves ranged reads only of its local copies; backup ${backup.slug} has none` };
    return { url: `${connection.url}/api/backup/download/${slug}?agent_id=backup.local`, token: connection.token };
  }
  if (connection.mode === 'core') return { note: `Home Assistant's /api/hassio proxy does not pass Range for backups` };
  const location = backup.locations.find((l) => !isAgentLocation(l));
  if (location === undefined) return { note: `backup ${backup.slug} is only on Home Assistant's other locations, which are read through Home Assistant` };
  return { url: `${connection.url}/backups/${slug}/download?location=${encodeURIComponent(location ?? '.local')}`, token: connection.token };
}

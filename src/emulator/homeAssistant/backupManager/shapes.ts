// What the websocket API sends for a backup and for backup/info, by Home Assistant version
// (home-assistant/core homeassistant/components/backup/models.py ManagerBackup, websocket.py handle_info;
// the frontend's src/data/backup.ts dates the changes: per-agent `agents` 2025.2, `state` 2025.3,
// `last_non_idle_event` → `last_action_event` 2025.4, `failed_addons`/`failed_folders` 2025.6).
import { atLeast } from '../../version';
import type { ManagerEvent } from './events';
import type { BackupManager, MergedBackup } from './manager';

export function managerBackup(manager: BackupManager, b: MergedBackup, haVersion: string): Record<string, unknown> {
  const ha = b.json.homeassistant ?? null;
  // util.read_backup and hassio/backup.py: add-ons and folders from backup.json (a Supervisor backup has
  // them; Core's own has none), the date from `supervisor.backup_request_date` when Core asked for it.
  const requestDate = b.json.extra['supervisor.backup_request_date'];
  const addons = Array.isArray(b.json.addons)
    ? (b.json.addons as { name?: unknown; slug?: unknown; version?: unknown }[]).map((a) => ({ name: a.name, slug: a.slug, version: a.version }))
    : [];
  const folders = Array.isArray(b.json.folders) ? (b.json.folders as unknown[]).filter((f) => f !== 'homeassistant') : [];
  const fields = {
    backup_id: b.json.slug,
    database_included: ha !== null && !ha.exclude_database,
    date: typeof requestDate === 'string' ? requestDate : b.json.date,
    extra_metadata: b.json.extra,
    failed_addons: [],
    failed_agent_ids: b.failedAgentIds,
    failed_folders: [],
    folders,
    homeassistant_included: ha !== null,
    homeassistant_version: ha?.version ?? null,
    name: b.json.name,
    with_automatic_settings: manager.withAutomaticSettings(b.json),
  };
  if (!atLeast(haVersion, '2025.2.0')) {
    // 2025.1: agent_ids, and one protected/size for all copies.
    const first = [...b.agents.values()][0];
    const { failed_addons: _a, failed_folders: _f, ...old } = fields;
    return { addons, agent_ids: [...b.agents.keys()], ...old, protected: first?.protected ?? false, size: first?.size ?? 0 };
  }
  const backup: Record<string, unknown> = { addons, agents: Object.fromEntries(b.agents), ...fields };
  if (!atLeast(haVersion, '2025.6.0')) {
    delete backup.failed_addons;
    delete backup.failed_folders;
  }
  return backup;
}

export function backupInfo(manager: BackupManager, backups: MergedBackup[], agentErrors: Record<string, string>, haVersion: string): Record<string, unknown> {
  const config = manager.config;
  const lastEvent: Record<string, ManagerEvent | null> = atLeast(haVersion, '2025.4.0')
    ? { last_action_event: manager.events.lastActionEvent }
    : atLeast(haVersion, '2025.3.0')
      ? { last_non_idle_event: manager.events.lastActionEvent }
      : {};
  return {
    agent_errors: agentErrors,
    backups: backups.map((b) => managerBackup(manager, b, haVersion)),
    last_attempted_automatic_backup: config.last_attempted_automatic_backup,
    last_completed_automatic_backup: config.last_completed_automatic_backup,
    last_completed_automatic_backup_id: config.last_completed_automatic_backup_id,
    ...lastEvent,
    next_automatic_backup: config.next_automatic_backup,
    next_automatic_backup_additional: config.next_automatic_backup_additional,
    ...(atLeast(haVersion, '2025.3.0') ? { state: manager.events.state } : {}),
  };
}

// Plans a backup (src/core/options) with what only the running extension knows: Home Assistant's backup
// key, the installed add-ons, the time zone and versions, whether the download paths exist; then tags
// its `extra` with keep_days and the policy, where the Supervisor keeps `extra`.
import { planBackup, withExtraTag, type BackupPlan, type BackupRequestInput } from '../../core/options';
import { refusalOf } from '../../core/homeAssistant/coreInstall/refusals';
import { EXTRA_SINCE, FILENAME_SINCE, supervisorAtLeast, type Addon } from '../../core/supervisor';
import type { Connection } from '../connection/connectionManager';
import { readDefaultBackupKey } from '../defaultKey';
import type { BackupStore } from '../store/backupStore';
import { downloadPathProblems } from './downloadPaths';

export async function planRun(store: BackupStore, connection: Connection, request: BackupRequestInput, policy: string | undefined, safetyNet?: string[]): Promise<BackupPlan> {
  const wantsKey = request.encrypted === true && !request.password;
  const key = wantsKey ? await readDefaultBackupKey(connection) : { key: null };
  const plan = planBackup(request, {
    installedAddons: await installedAddons(store, connection),
    now: new Date(),
    timeZone: store.timeZone,
    defaultKey: 'key' in key ? key.key : null,
    haVersion: store.haVersion,
    readableFileName: supervisorAtLeast(store.supervisorVersion, FILENAME_SINCE),
  });
  // Why the key is missing is worth more than "there is no key".
  if ('error' in key) plan.errors.unshift(key.error);
  plan.errors.push(...downloadPathProblems(plan.downloadPaths));
  // What Home Assistant's backup manager cannot do on a Core or Container install, before anything starts.
  const onCore = connection.client.system === 'home_assistant';
  const refusal = !onCore
    ? null
    : plan.label === 'full with exclusions'
      ? 'exclusions cannot be honoured on a Home Assistant Core or Container install: it has no add-ons or folders to exclude'
      : refusalOf(plan.body, plan.endpoint === 'partial');
  if (refusal) plan.errors.push(`${refusal.charAt(0).toUpperCase()}${refusal.slice(1)}.`);
  const keepsExtra = supervisorAtLeast(store.supervisorVersion, EXTRA_SINCE);
  if (plan.keepDays !== null && keepsExtra) plan.body.extra = withExtraTag(plan.body.extra, { keepDays: plan.keepDays });
  if (policy !== undefined && keepsExtra) plan.body.extra = withExtraTag(plan.body.extra, { policy });
  if (safetyNet && keepsExtra) plan.body.extra = withExtraTag(plan.body.extra, { safetyNet });
  return plan;
}

async function installedAddons(store: BackupStore, connection: Connection): Promise<Addon[]> {
  try {
    return await connection.client.addons();
  } catch {
    // A backup-role token may not list add-ons: fall back to the names the tree already knows.
    return [...store.addonNames].map(([slug, name]) => ({ slug, name }));
  }
}

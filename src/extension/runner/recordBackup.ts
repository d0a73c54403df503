// The ledger entry of a backup this extension just made (src/core/deletion): its identity as listed
// now, the policy it was made for, and its expiry on Home Assistant's clock (as Auto Backup stamps it
// when the backup finishes). Only a recorded backup may later be deleted by retention without asking.
import { ledgerEntryFor } from '../../core/deletion';
import { describeError } from '../errors';
import type { EventLog } from '../log';
import type { BackupStore } from '../store/backupStore';
import type { LedgerStore } from '../store/ledgerStore';
import type { StartedRun } from './backupRun';
import { newBackup } from './newBackup';

export async function recordBackup(run: StartedRun, slug: string, store: BackupStore, ledger: LedgerStore, log: EventLog): Promise<void> {
  const { connection, policy } = run;
  const keepDays = run.plan.keepDays;
  const listed = await newBackup(store, connection, slug);
  if (!listed) {
    log.warn(`backup ${slug} is not in the Supervisor's list, so it is not recorded: retention will not delete it without asking`);
    return;
  }
  const expires = keepDays === null ? undefined : new Date(store.haNow().getTime() + keepDays * 86_400_000);
  try {
    await ledger.record(
      connection.url,
      ledgerEntryFor(
        listed,
        {
          ...(policy !== undefined ? { policy } : {}),
          ...(keepDays !== null ? { keepDays } : {}),
          ...(expires ? { expires } : {}),
          ...(run.safetyNet ? { safetyNet: run.safetyNet } : {}),
        },
        Date.now(),
      ),
    );
    if (expires) log.info(`backup ${slug} expires ${expires.toISOString()} (keep_days=${keepDays}, Home Assistant's clock)`);
  } catch (e) {
    log.error(`could not record backup ${slug}: ${describeError(e)}`);
  }
}

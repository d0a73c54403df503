// Who runs a policy. `run_by: auto_backup` policies are deployed as Home Assistant automations that
// call the Auto Backup integration, which makes the backups and deletes them by keep_days: VS Code's
// scheduler neither runs nor remembers them (running them here too would make every backup twice).

export function runsInVsCode(policy: { enabled: boolean; runBy?: 'vscode' | 'auto_backup' }): boolean {
  return policy.enabled && policy.runBy !== 'auto_backup';
}

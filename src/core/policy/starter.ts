// The starter auto_backup.yaml that the "create policy file" command writes: commented like Home
// Assistant's own YAML, with the seed's "Automatic Backups" blueprint
// (jcwillox/home-assistant-blueprints automation/automatic_backups.yaml @46cf8d44) as the example.
// One full backup a night; generations as in the blueprint: 7 daily, about a month of weekly, a
// year of monthly, yearly forever. The blueprint's optional 3-hourly tier is there too, switched
// off. It must parse with no diagnostics at all (a test checks that).
import { EXTRA_KEY } from '../options/extraTag';

export const STARTER_POLICY_FILE = `# Backup policies for the Home Assistant Backups extension in VS Code.
#
# Each policy makes a backup on its schedule and, if it has a retention, deletes the
# backups it made that the retention no longer keeps. A policy only ever deletes backups
# this VS Code made for it (they carry its name in extra.${EXTRA_KEY}.policy and
# are recorded when made); backups made by hand, by Home Assistant, by another policy,
# or uploaded are never touched, and nothing is deleted while this file has errors.
#
# schedule   (in Home Assistant's time zone)
#   daily 02:30 | weekly mon 02:30 | weekly mon,thu 02:30 | monthly 1 01:00
#   monthly last 01:00 | yearly jan 1 01:00 | hourly :15 | every 3 hours
#   or a cron expression such as "30 2 * * *"
# backup     every option of Create Backup: name, password, encrypted, location,
#            filename, download_path, exclude_database, compressed, and the content
#            (include/exclude, include_addons/include_folders/..., or addons/folders).
#            "password: !secret backup_password" reads secrets.yaml, as Home Assistant does.
# retention  keep_days: 7 (each backup is deleted 7 days after it was made), or
#            generations: last, hourly, daily, weekly, monthly, yearly (a number;
#            unlimited = keep all) and within: 2d, within_daily: 1m, ... (y, m = months,
#            w, d, h). A backup is kept when any rule keeps it. No retention: keep all.
# purge      auto (default): delete right after each backup; manual: only list them.

policies:
  # The "Automatic Backups" blueprint: one full backup every night. Keep the newest
  # backup of each of the last 7 days, 4 weeks and 12 months, and one of every year.
  - name: nightly
    schedule: daily 02:30
    backup:
      name: "Backup: %A, %B %-d, %Y"
      # password: !secret backup_password
      # location: my_nas
    retention:
      daily: 7
      weekly: 4
      monthly: 12
      yearly: unlimited

  # The blueprint's optional hourly tier: the configuration folder every 3 hours,
  # each backup kept for 2 days. Set "enabled: true" to use it.
  - name: config every 3 hours
    enabled: false
    schedule: every 3 hours
    backup:
      name: "Config: %A, %-I:%M %p, %B %-d, %Y"
      include_folders: [config]
    retention:
      keep_days: 2
`;

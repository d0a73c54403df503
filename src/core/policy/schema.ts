// The policy file (`auto_backup.yaml`), written once with zod: parse.ts validates with it and
// scripts/generate-policy-schema.ts turns it into schemas/auto_backup.schema.json for editors. No
// transforms (so `z.toJSONSchema(…, { io: 'input' })` describes what is written); refinements are
// checked at parse time only. Rules that span policies (unique names) or need the YAML nodes are in
// parse.ts.
//
// How a policy manages its backups: every backup it makes carries
// `extra.vscode_ha_backups.policy = <policy name>` (Supervisor ≥ 2024.12 stores `extra` in the
// backup), and the extension's ledger records it with the backup's identity (src/core/deletion).
// Retention only ever deletes backups the ledger says this policy made; backups made by hand, by Home
// Assistant, by Auto Backup, by another policy or uploaded are never deleted by a policy. Renaming a
// policy therefore leaves the backups made under the old name alone.
import * as z from 'zod';
import { AUTOMATIC_KEYS, automaticSectionSchema } from '../homeAssistant/automaticSettings';
import { EXTRA_KEY } from '../options/extraTag';
import { BACKUP_REQUEST_KEYS, KEEP_DAYS_LIMIT, backupRequestSchema } from '../options';
import { parseSchedule, SCHEDULE_EXAMPLES } from './schedule';
import { COUNT_KEYS, WITHIN_KEYS, durationOf, hasActiveRule } from './retention';

/** The default file name, in the folder that holds configuration.yaml. */
export const POLICY_FILE_NAME = 'auto_backup.yaml';

export const POLICY_NAME_MAX_LENGTH = 64;

export const FILE_KEYS = ['policies', 'automatic_backups'] as const;
export const POLICY_KEYS = ['name', 'enabled', 'schedule', 'with_automatic_settings', 'backup', 'retention', 'verify', 'purge', 'run_by'] as const;
export const RETENTION_KEYS = ['keep_days', ...COUNT_KEYS, ...WITHIN_KEYS] as const;
export const DURATION_KEYS = ['years', 'months', 'days', 'hours'] as const;
export const SELECTION_KEYS = ['addons', 'folders'] as const;
export { BACKUP_REQUEST_KEYS };

const count = z
  .union([z.int().min(-1, { error: 'cannot be below -1 (-1 or unlimited = no limit, 0 = rule off)' }), z.literal('unlimited')], {
    error: 'expected a whole number: how many to keep (0 = rule off, -1 or unlimited = no limit)',
  })
  .describe('How many to keep; 0 turns the rule off, -1 or "unlimited" keeps all.');

const durationParts = Object.fromEntries(
  DURATION_KEYS.map((key) => [
    key,
    z
      .int({ error: `${key}: expected a whole number` })
      .min(0, { error: `${key} cannot be negative` })
      .max(1_000_000)
      .optional(),
  ]),
) as Record<(typeof DURATION_KEYS)[number], z.ZodOptional<z.ZodInt>>;

const duration = z
  .union([z.string(), z.strictObject(durationParts)], { error: 'expected a duration such as 7d, 4w, 6m, 1y or 1y6m (m = months), or {years, months, days, hours}' })
  .superRefine((value, ctx) => {
    const parsed = durationOf(value);
    if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
  })
  .describe('A duration counted back from the newest backup of the policy: 7d, 4w, 6m (months), 1y, 48h, 1y6m, or {years, months, days, hours}.');

const countFields = {
  last: count.optional().describe('Keep the newest N backups.'),
  hourly: count.optional().describe('Keep the newest backup of each of the last N hours that have backups.'),
  daily: count.optional().describe('Keep the newest backup of each of the last N days that have backups.'),
  weekly: count.optional().describe('Keep the newest backup of each of the last N ISO weeks (Monday to Sunday) that have backups.'),
  monthly: count.optional().describe('Keep the newest backup of each of the last N months that have backups.'),
  yearly: count.optional().describe('Keep the newest backup of each of the last N years that have backups.'),
};

const withinFields = {
  within: duration.optional().describe('Keep every backup made within this duration before the newest one.'),
  within_hourly: duration.optional().describe('Keep one backup per hour for this duration.'),
  within_daily: duration.optional().describe('Keep one backup per day for this duration.'),
  within_weekly: duration.optional().describe('Keep one backup per week for this duration.'),
  within_monthly: duration.optional().describe('Keep one backup per month for this duration.'),
  within_yearly: duration.optional().describe('Keep one backup per year for this duration.'),
};

export const retentionSchema = z
  .strictObject({
    keep_days: z
      .number({ error: 'expected a number of days' })
      .positive({ error: 'keep_days must be more than 0' })
      .max(KEEP_DAYS_LIMIT, { error: `keep_days is at most ${KEEP_DAYS_LIMIT}` })
      .optional()
      .describe(
        "Delete each backup this many days after it was made (fractions allowed, 0.5 = 12 hours), like Auto Backup's keep_days. Not together with the generational rules.",
      ),
    ...countFields,
    ...withinFields,
  })
  .superRefine((retention, ctx) => {
    if (retention.keep_days !== undefined) {
      for (const key of [...COUNT_KEYS, ...WITHIN_KEYS]) {
        if (retention[key] !== undefined) {
          ctx.addIssue({ code: 'custom', path: [key], message: `use either keep_days or the generational rules (${key}), not both` });
        }
      }
    } else if (!hasActiveRule(retention)) {
      ctx.addIssue({
        code: 'custom',
        message: 'this retention keeps nothing, so every backup of the policy would be deleted: give keep_days or a count above 0, or remove retention to keep all',
      });
    }
  })
  .meta({ not: { anyOf: [...COUNT_KEYS, ...WITHIN_KEYS].map((key) => ({ required: ['keep_days', key] })) } })
  .describe(
    "Which of this policy's backups to keep; the others are deleted. Either keep_days, or generational rules with restic's semantics (last, hourly, daily, weekly, monthly, yearly, within…): a backup is kept if any rule keeps it. Absent: keep every backup.",
  );

const schedule = z
  .string({
    error: `expected a schedule such as ${SCHEDULE_EXAMPLES.slice(0, 4)
      .map((s) => `'${s}'`)
      .join(', ')} or a cron expression`,
  })
  .superRefine((text, ctx) => {
    const parsed = parseSchedule(text);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message, params: { scheduleStart: parsed.start, scheduleEnd: parsed.end } });
  })
  .meta({
    description:
      "When to make the backup, in Home Assistant's time zone: 'daily 02:30', 'weekly mon 02:30', 'weekly mon,thu 02:30', 'monthly 1 01:00', 'monthly last 01:00', 'yearly jan 1 01:00', 'hourly :15', 'every 3 hours', or a 5-field cron expression ('30 2 * * *').",
    examples: [...SCHEDULE_EXAMPLES],
  });

const policyName = z
  .string({ error: 'expected the policy name as text' })
  .min(1, { error: 'the policy name is empty' })
  .max(POLICY_NAME_MAX_LENGTH, { error: `a policy name is at most ${POLICY_NAME_MAX_LENGTH} characters` })
  .refine((name) => name.trim() === name, { error: 'the policy name starts or ends with a space' })
  .refine((name) => !/\p{Cc}/u.test(name), { error: 'the policy name contains a control character' })
  .describe(
    `Unique name of the policy. Every backup the policy makes is tagged with it (extra.${EXTRA_KEY}.policy) and recorded by the extension; retention only deletes backups recorded as made for this policy: renaming or removing a policy leaves its earlier backups alone, and so does an uploaded copy.`,
  );

const backup = backupRequestSchema
  .superRefine((request, ctx) => {
    if (request.keep_days !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['keep_days'], message: 'in a policy, set how long backups are kept under retention: (keep_days or generations), not in backup:' });
    }
  })
  .meta({
    not: { anyOf: [...mixedShapeRules(), { required: ['keep_days'] }] },
    description:
      'What to back up and how: every option of Create Backup (name, password, encrypted, location, filename, download_path, exclude_database, compressed, and the content as include/exclude, include_addons/…/exclude_folders, or addons/folders). Absent: a full backup with the defaults. keep_days belongs under retention.',
  });

export const policySchema = z
  .strictObject({
    name: policyName,
    enabled: z.boolean({ error: 'expected true or false' }).default(true).describe('false pauses the policy: no backups are made and none are deleted.'),
    schedule: schedule.optional(),
    with_automatic_settings: z
      .boolean({ error: 'expected true or false' })
      .default(false)
      .describe(
        "true: this policy manages Home Assistant's automatic backups of this instance instead of making its own. Home Assistant makes them on its own schedule (automatic_backups: or Home Assistant's settings), around the clock; when VS Code runs, the policy's generational rules decide which to keep (the first purge asks). Home Assistant's own retention is set to a cap that never deletes what the policy keeps while VS Code runs at least every 30 days. No schedule, backup or verify here; at most one such policy.",
      ),
    backup: backup.prefault({}),
    retention: retentionSchema.optional(),
    verify: z
      .boolean({ error: 'expected true or false' })
      .default(false)
      .describe(
        'After each backup, read the whole archive back and check every part: decrypt and decompress it completely (SecureTar authentication, gzip checksums, tar structure). The result of each part is in the log; a damaged part is reported as a failure.',
      ),
    purge: z
      .enum(['auto', 'manual'], { error: "expected 'auto' or 'manual'" })
      .default('auto')
      .describe('auto: after each successful backup of this policy, delete the backups its retention no longer keeps. manual: only show them; delete with the Purge command.'),
    run_by: z
      .enum(['vscode', 'auto_backup'], { error: "expected 'vscode' or 'auto_backup'" })
      .default('vscode')
      .describe(
        'vscode: VS Code makes and purges the backups while it is open. auto_backup: the policy is deployed as Home Assistant automations calling the Auto Backup integration (command Deploy Policy as Home Assistant Automations), which run 24/7 and purge by keep_days; VS Code then makes none itself.',
      ),
  })
  .superRefine((policy, ctx) => {
    if (!policy.with_automatic_settings) {
      // Reported like any missing key (parse.ts words it, with an example).
      if (policy.schedule === undefined) ctx.addIssue({ code: 'invalid_type', expected: 'string', input: undefined, path: ['schedule'], message: 'schedule is missing' });
      return;
    }
    // backup: and verify: have defaults, so whether they were written is checked in parse.ts.
    if (policy.schedule !== undefined) ctx.addIssue({ code: 'custom', path: ['schedule'], message: automaticPolicyKeyMessage('schedule') });
    if (!policy.retention)
      ctx.addIssue({
        code: 'custom',
        path: ['with_automatic_settings'],
        message: 'with_automatic_settings: true needs a retention with generational rules (daily, weekly, monthly, yearly…): that is what this policy adds to Home Assistant',
      });
    else if (policy.retention.keep_days !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['retention', 'keep_days'],
        message: "keep_days is not for Home Assistant's automatic backups: use generational rules here, or automatic_backups: retention: days",
      });
  })
  .meta({
    anyOf: [{ required: ['schedule'] }, { required: ['with_automatic_settings'], properties: { with_automatic_settings: { const: true } } }],
  })
  .describe('A named backup policy: a schedule, what to back up, and which of its backups to keep.');

/** The message for a key a with_automatic_settings policy cannot have. */
export function automaticPolicyKeyMessage(key: string): string {
  return `${key} cannot be used with with_automatic_settings: true: Home Assistant makes these backups with its automatic settings (automatic_backups: in this file, or Home Assistant's settings)`;
}

export const policyFileSchema = z
  .strictObject({
    policies: z
      .array(policySchema, { error: 'expected a list of policies (each starting with "- name: …")' })
      .nullable()
      .optional()
      .describe('The backup policies. Names must be unique.'),
    automatic_backups: automaticSectionSchema.optional(),
  })
  .meta({
    title: 'Home Assistant Backups: backup policies (auto_backup.yaml)',
    description: `Backup policies for the Home Assistant Backups extension. Each policy makes backups on a schedule and deletes the ones its retention no longer keeps. A policy only ever deletes backups this extension made for it (tagged extra.${EXTRA_KEY}.policy = <policy name> and recorded when made), and nothing at all while this file has errors. "!secret name" reads secrets.yaml like Home Assistant.`,
  });

export type PolicyFileInput = z.input<typeof policyFileSchema>;
export type PolicyInput = z.input<typeof policySchema>;
export type PolicyOutput = z.output<typeof policySchema>;
export type RetentionOutput = z.output<typeof retentionSchema>;

/** The allowed keys of the mapping at a (zod) path, for unknown-key messages; undefined if unknown. */
export function allowedKeysAt(path: readonly PropertyKey[]): readonly string[] | undefined {
  const [first, index, field, sub] = path;
  if (path.length === 0) return FILE_KEYS;
  if (first === 'automatic_backups') {
    if (path.length === 1) return AUTOMATIC_KEYS;
    if (index === 'retention' && path.length === 2) return ['copies', 'days'];
    if (index === 'per_location' && path.length === 3) return ['protected', 'retention'];
    if (index === 'per_location' && path.length === 4 && sub === 'retention') return ['copies', 'days'];
    return undefined;
  }
  if (first !== 'policies' || typeof index !== 'number') return undefined;
  if (path.length === 2) return POLICY_KEYS;
  if (field === 'retention') return path.length === 3 ? RETENTION_KEYS : path.length === 4 ? DURATION_KEYS : undefined;
  if (field === 'backup')
    return path.length === 3
      ? BACKUP_REQUEST_KEYS.filter((key) => key !== 'keep_days')
      : path.length === 4 && (sub === 'include' || sub === 'exclude')
        ? SELECTION_KEYS
        : undefined;
  return undefined;
}

/** The options schema's "one selection shape" rule, as written in its JSON Schema metadata. */
function mixedShapeRules(): unknown[] {
  const meta = backupRequestSchema.meta() as { not?: { anyOf?: unknown[] } } | undefined;
  return meta?.not?.anyOf ?? [];
}

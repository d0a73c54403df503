// A policy deployed as Auto Backup automations: each schedule form as triggers and conditions, each
// retention tier's keep_days, the service data against the fields of the integration's own
// services.yaml (test/fixtures/auto-backup), the automations against Home Assistant's automation
// schema (as modelled in automationSchema.ts), and every refusal naming what cannot be deployed.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import {
  SERVICE_DATA_SCHEMAS,
  SERVICE_FIELDS,
  checkAutomation,
  deployedAutomations,
  generateAutomations,
  hasDrift,
  idPrefixOf,
  isSecretRef,
  keepDaysFor,
  packageDrift,
  packagesSetting,
  unknownFields,
  withPackagesLine,
  withPolicyAutomations,
  type Automation,
  type AutoBackupService,
} from '../../src/core/autoBackup/deploy';
import { parsePolicyFile, type Policy } from '../../src/core/policy';

const FIXTURE = join(__dirname, '..', 'fixtures', 'auto-backup', 'services.yaml');
const services = parse(readFileSync(FIXTURE, 'utf8')) as Record<string, { fields?: Record<string, unknown> }>;

function policy(body: string, secrets: Record<string, string> = {}): Policy {
  const parsed = parsePolicyFile(`policies:\n  - name: Nightly\n${body.replace(/^/gm, '    ')}\n`, { secrets: (name) => secrets[name] });
  assert.deepEqual(
    parsed.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
    [],
  );
  assert.equal(parsed.policies.length, 1);
  return parsed.policies[0] as Policy;
}

function deploy(body: string, secrets: Record<string, string> = {}): Automation[] {
  const result = generateAutomations(policy(body, secrets));
  assert.ok(result.ok, result.ok ? '' : result.reason);
  return result.automations.map((a) => a.automation);
}

function refusal(body: string): string {
  const result = generateAutomations(policy(body));
  assert.ok(!result.ok, 'expected a refusal');
  return result.reason;
}

/** The service and data of the automation's one action, checked against services.yaml's fields. */
function callOf(automation: Automation): { service: string; data: Record<string, unknown> } {
  assert.equal(automation.actions.length, 1);
  const action = automation.actions[0] as { action: string; data?: Record<string, unknown> };
  const [domain, service] = action.action.split('.') as [string, string];
  assert.equal(domain, 'auto_backup');
  const fields = Object.keys(services[service]?.fields ?? {});
  for (const key of Object.keys(action.data ?? {})) assert.ok(fields.includes(key), `${service} has no field ${key} in services.yaml`);
  return { service, data: action.data ?? {} };
}

describe('run_by', () => {
  it('defaults to vscode; auto_backup is kept; anything else is an error naming the choices', () => {
    assert.equal(policy('schedule: daily 02:30').runBy, 'vscode');
    assert.equal(policy('schedule: daily 02:30\nrun_by: auto_backup').runBy, 'auto_backup');
    const wrong = parsePolicyFile('policies:\n  - name: x\n    schedule: daily 02:30\n    run_by: homeassistant\n');
    assert.equal(wrong.policies.length, 0);
    assert.match(wrong.diagnostics[0]?.message ?? '', /expected 'vscode' or 'auto_backup'/);
  });
});

describe('Auto Backup service fields', () => {
  it("match the fields of the integration's services.yaml, service by service", () => {
    for (const service of Object.keys(SERVICE_FIELDS) as AutoBackupService[]) {
      assert.deepEqual([...SERVICE_FIELDS[service]].sort(), Object.keys(services[service]?.fields ?? {}).sort(), service);
    }
    assert.deepEqual(Object.keys(SERVICE_FIELDS).sort(), Object.keys(services).sort());
  });

  it('catch a field the service does not have', () => {
    assert.deepEqual(unknownFields('backup', { name: 'x', filename: 'x.tar', addons: ['a'] }), ['filename', 'addons']);
    assert.deepEqual(unknownFields('backup_partial', { addons: [], folders: [], keep_days: 2 }), []);
    assert.equal(SERVICE_DATA_SCHEMAS.backup.safeParse({ name: 'x', filename: 'x.tar' }).success, false);
    assert.equal(SERVICE_DATA_SCHEMAS.backup.safeParse({ keep_days: 'two' }).success, false);
  });
});

describe('Automation schema', () => {
  const ok = { id: 'a', alias: 'A', triggers: [{ trigger: 'time', at: '02:30:00' }], actions: [{ action: 'auto_backup.backup', data: {} }] };

  it('accepts the plural keys and the older singular ones (trigger/platform, action/service)', () => {
    assert.deepEqual(checkAutomation(ok), []);
    assert.deepEqual(checkAutomation({ id: 'a', alias: 'A', trigger: [{ platform: 'time', at: '2:30' }], action: [{ service: 'auto_backup.backup' }] }), []);
  });

  it('refuses what Home Assistant refuses', () => {
    assert.ok(checkAutomation({ ...ok, trigger: ok.triggers }).length > 0, 'trigger and triggers both');
    assert.ok(checkAutomation({ ...ok, triggers: [{ trigger: 'time', at: '25:00' }] }).length > 0, 'not a time');
    assert.ok(checkAutomation({ ...ok, triggers: [{ trigger: 'time_pattern' }] }).length > 0, 'time_pattern without fields');
    assert.ok(checkAutomation({ ...ok, conditions: [{ condition: 'time', weekday: ['monday'] }] }).length > 0, 'weekday spelled out');
    assert.ok(checkAutomation({ ...ok, actions: [{ action: 'auto backup' }] }).length > 0, 'not domain.service');
    assert.ok(checkAutomation({ ...ok, mode: 'sometimes' }).length > 0, 'mode');
    assert.ok(checkAutomation({ ...ok, id: undefined }).length > 0, 'no id');
  });
});

describe('Schedules as triggers and conditions', () => {
  const cases: [string, unknown[], unknown[] | undefined][] = [
    ['daily 02:30', [{ trigger: 'time', at: '02:30:00' }], undefined],
    ['weekly mon,thu 02:30', [{ trigger: 'time', at: '02:30:00' }], [{ condition: 'time', weekday: ['mon', 'thu'] }]],
    ['weekly weekend 07:05', [{ trigger: 'time', at: '07:05:00' }], [{ condition: 'time', weekday: ['sat', 'sun'] }]],
    ['monthly 1,15 01:00', [{ trigger: 'time', at: '01:00:00' }], [{ condition: 'template', value_template: '{{ now().day in [1, 15] }}' }]],
    ['monthly last 01:00', [{ trigger: 'time', at: '01:00:00' }], [{ condition: 'template', value_template: '{{ (now() + timedelta(days=1)).day == 1 }}' }]],
    ['yearly jan 1 01:00', [{ trigger: 'time', at: '01:00:00' }], [{ condition: 'template', value_template: '{{ now().month == 1 and now().day == 1 }}' }]],
    ['hourly :15', [{ trigger: 'time_pattern', minutes: 15 }], undefined],
    ['every 3 hours', [{ trigger: 'time_pattern', hours: '/3', minutes: 0 }], undefined],
    ['30 2 * * 1-5', [{ trigger: 'time', at: '02:30:00' }], [{ condition: 'time', weekday: ['mon', 'tue', 'wed', 'thu', 'fri'] }]],
  ];
  for (const [schedule, triggers, conditions] of cases) {
    it(schedule, () => {
      const [automation, ...others] = deploy(`schedule: ${schedule}\nretention:\n  keep_days: 400`);
      assert.equal(others.length, 0);
      assert.deepEqual(automation?.triggers, triggers);
      assert.deepEqual(automation?.conditions, conditions);
      assert.deepEqual(checkAutomation(automation), []);
    });
  }

  it('refuses a cron expression it cannot express, naming it', () => {
    assert.match(refusal("schedule: '*/15 * * * *'"), /'\*\/15 \* \* \* \*'.*more than once an hour/);
    assert.match(refusal("schedule: '0 2 1 * 1'"), /both the day of the month and the weekday/);
    assert.match(refusal("schedule: '0 2-4 * * *'"), /several hours/);
  });
});

describe('Retention as keep_days per tier', () => {
  it('keep_days: one automation with that keep_days; no retention: none', () => {
    const [one] = deploy('schedule: daily 02:30\nretention:\n  keep_days: 10.5');
    assert.equal(one?.id, 'ha_backups_nightly_all');
    assert.equal(callOf(one).data.keep_days, 10.5);
    const [forever] = deploy('schedule: daily 02:30');
    assert.equal('keep_days' in callOf(forever as Automation).data, false);
  });

  it('generations: yearly, monthly, weekly, daily tiers with N, 7N, N×365/12, 365N days', () => {
    const automations = deploy('schedule: daily 02:30\nretention:\n  daily: 7\n  weekly: 4\n  monthly: 12\n  yearly: 2');
    assert.deepEqual(
      automations.map((a) => [a.id, callOf(a).data.keep_days]),
      [
        ['ha_backups_nightly_yearly', 730],
        ['ha_backups_nightly_monthly', 365],
        ['ha_backups_nightly_weekly', 28],
        ['ha_backups_nightly_daily', 7],
      ],
    );
    assert.equal(keepDaysFor('monthly', 1), 30.4167);
    assert.equal(keepDaysFor('weekly', -1), undefined, 'unlimited: kept forever');
    for (const a of automations) assert.deepEqual(checkAutomation(a), []);
  });

  it('takes each day of a year by exactly one tier, the first that matches (yearly, monthly, weekly, daily)', () => {
    const automations = deploy('schedule: daily 02:30\nretention:\n  daily: 7\n  weekly: 4\n  monthly: 12\n  yearly: 2');
    const counts = new Map<string, number>();
    for (let day = new Date(Date.UTC(2025, 0, 1)); day.getUTCFullYear() === 2025; day = new Date(day.getTime() + 86_400_000)) {
      const taking = automations.filter((a) => (a.conditions ?? []).every((c) => evaluate((c as { value_template: string }).value_template, day)));
      assert.equal(taking.length, 1, day.toISOString());
      const tier = (taking[0] as Automation).id.replace('ha_backups_nightly_', '');
      counts.set(tier, (counts.get(tier) ?? 0) + 1);
      if (day.getUTCMonth() === 0 && day.getUTCDate() === 1) assert.equal(tier, 'yearly');
      else if (day.getUTCDate() === 1) assert.equal(tier, 'monthly');
      else if (day.getUTCDay() === 1) assert.equal(tier, 'weekly');
    }
    assert.deepEqual(Object.fromEntries(counts), { yearly: 1, monthly: 11, weekly: 50, daily: 303 });
  });

  it('a tier left out: its days make no backup; unlimited keeps forever', () => {
    const automations = deploy('schedule: daily 02:30\nretention:\n  weekly: unlimited');
    assert.equal(automations.length, 1);
    assert.equal('keep_days' in callOf(automations[0] as Automation).data, false);
    assert.deepEqual(automations[0]?.conditions, [{ condition: 'template', value_template: '{{ now().weekday() == 0 }}' }]);
  });

  it('refuses rules that a lifetime per backup cannot express, naming the rule', () => {
    assert.match(refusal('schedule: daily 02:30\nretention:\n  last: 5'), /'last'/);
    assert.match(refusal('schedule: daily 02:30\nretention:\n  daily: 7\n  within_daily: 30d'), /'within_daily'/);
    assert.match(refusal('schedule: every 3 hours\nretention:\n  hourly: 24'), /'hourly'/);
    assert.match(refusal('schedule: every 3 hours\nretention:\n  daily: 7'), /at most once a day/);
  });
});

describe('Backup options as service data', () => {
  it('exclusions by name and glob go to auto_backup.backup as written', () => {
    const [a] = deploy('schedule: daily 02:30\nbackup:\n  exclude:\n    addons: [core_*, Grafana]\n    folders: [media]\n  exclude_database: true\n  compressed: false');
    assert.deepEqual(callOf(a as Automation), {
      service: 'backup',
      data: { exclude_addons: ['core_*', 'Grafana'], exclude_folders: ['media'], exclude_database: true, compressed: false },
    });
  });

  it('addons/folders become auto_backup.backup_partial; location and download_path pass', () => {
    const [a] = deploy(
      'schedule: daily 02:30\nbackup:\n  addons: core_mariadb\n  folders: [config, share]\n  location: nas\n  download_path: /media/usb\n  name: Nightly %Y-%m-%d',
    );
    assert.deepEqual(callOf(a as Automation), {
      service: 'backup_partial',
      data: { name: "{{ now().strftime('Nightly %Y-%m-%d') }}", addons: ['core_mariadb'], folders: ['config', 'share'], location: 'nas', download_path: ['/media/usb'] },
    });
    const [local] = deploy("schedule: daily 02:30\nbackup:\n  location: '.local'");
    assert.equal(callOf(local as Automation).data.location, '/backup');
  });

  it('a password from secrets.yaml is written as !secret; its value never', () => {
    const [a] = deploy('schedule: daily 02:30\nbackup:\n  password: !secret backup_pw', { backup_pw: 'hunter2-secret' });
    const data = callOf(a as Automation).data;
    assert.ok(isSecretRef(data.password));
    const text = withPolicyAutomations(undefined, idPrefixOf('Nightly'), [a as Automation]);
    assert.match(text, /password: !secret backup_pw/);
    assert.ok(!text.includes('hunter2-secret'));
  });

  it('refuses a password in clear, saying where it should go', () => {
    assert.match(refusal('schedule: daily 02:30\nbackup:\n  password: hunter2'), /in clear.*secrets\.yaml.*!secret/);
  });

  it('on a Core install (no Supervisor) refuses what Auto Backup cannot do there, and deploys a full backup', () => {
    const core = (body: string) => generateAutomations(policy(`schedule: daily 02:30\n${body}`), 'core');
    const excluded = core('backup:\n  exclude: {folders: [media]}');
    assert.ok(!excluded.ok && /backup\.exclude .*only full backups/.test(excluded.reason));
    const located = core('backup:\n  location: nas');
    assert.ok(!located.ok && /backup\.location .*ignores it/.test(located.reason));
    const full = core('backup:\n  exclude_database: true\nretention:\n  keep_days: 3');
    assert.ok(full.ok);
    assert.deepEqual(callOf(full.automations[0]?.automation as Automation), { service: 'backup', data: { keep_days: 3, exclude_database: true } });
  });

  it('refuses what Auto Backup cannot do, by name', () => {
    assert.match(refusal("schedule: daily 02:30\nbackup:\n  filename: 'x.tar'"), /backup\.filename/);
    assert.match(refusal('schedule: daily 02:30\nbackup:\n  location: [nas, .local]'), /backup\.location lists 2/);
    assert.match(refusal("schedule: daily 02:30\nbackup:\n  name: 'HA {ha_version}'"), /\{ha_version\}/);
    assert.match(refusal('schedule: daily 02:30\nverify: true'), /verify/);
    assert.match(refusal('schedule: daily 02:30\nenabled: false'), /disabled/);
  });
});

describe('The package file and drift', () => {
  const other =
    '# my note\nautomation:\n  - id: ha_backups_weekly_all # keep me\n    alias: Other\n    triggers: [{trigger: time, at: "03:00:00"}]\n    actions: [{action: auto_backup.backup}]\n';

  it("replaces only the policy's automations, keeping others and comments", () => {
    const automations = deploy('schedule: daily 02:30\nretention:\n  keep_days: 3');
    const prefix = idPrefixOf('Nightly');
    const once = withPolicyAutomations(other, prefix, automations);
    const twice = withPolicyAutomations(once, prefix, automations);
    assert.equal(twice, once);
    assert.match(once, /# my note/);
    assert.match(once, /# keep me/);
    const ids = (parse(once) as { automation: { id: string }[] }).automation.map((a) => a.id);
    assert.deepEqual(ids, ['ha_backups_weekly_all', 'ha_backups_nightly_all']);
    // Read as Home Assistant reads it (YAML 1.1): a time unquoted would be a sexagesimal number.
    const read = parse(once, { version: '1.1' }) as { automation: Automation[] };
    for (const a of read.automation) assert.deepEqual(checkAutomation(a), []);
    assert.deepEqual(read.automation[1]?.triggers, [{ trigger: 'time', at: '02:30:00' }]);
    const late = deploy("schedule: daily 12:30\nbackup:\n  name: 'on'\n  location: '2024'");
    const lateRead = parse(withPolicyAutomations(undefined, prefix, late), { version: '1.1' }) as { automation: Automation[] };
    assert.deepEqual(lateRead.automation[0]?.triggers, [{ trigger: 'time', at: '12:30:00' }], 'not the number 45000');
    assert.deepEqual((lateRead.automation[0]?.actions[0] as { data: unknown }).data, { name: 'on', location: '2024' });
  });

  it('finds no drift right after writing, and a changed keep_days, a missing and an extra automation after', () => {
    const prefix = idPrefixOf('Nightly');
    const generated = deploy('schedule: daily 02:30\nretention:\n  daily: 7\n  weekly: 4');
    const text = withPolicyAutomations(undefined, prefix, generated);
    const deployed = deployedAutomations(text, prefix);
    assert.ok(typeof deployed !== 'string');
    assert.equal(hasDrift(packageDrift(generated, deployed)), false);
    const edited = deployedAutomations(text.replace('keep_days: 28', 'keep_days: 30'), prefix);
    assert.ok(typeof edited !== 'string');
    assert.deepEqual(packageDrift(generated, edited), { missing: [], changed: ['ha_backups_nightly_weekly'], extra: [] });
    const now = deploy('schedule: daily 02:30\nretention:\n  daily: 7\n  monthly: 6');
    assert.deepEqual(packageDrift(now, deployed), { missing: ['ha_backups_nightly_monthly'], changed: ['ha_backups_nightly_daily'], extra: ['ha_backups_nightly_weekly'] });
  });
});

describe('configuration.yaml packages', () => {
  it('tells whether packages are loaded, and from which folder', () => {
    assert.deepEqual(packagesSetting('default_config:\n'), { kind: 'none' });
    assert.deepEqual(packagesSetting('homeassistant:\n  packages: !include_dir_named pkgs\n'), { kind: 'folder', folder: 'pkgs' });
    assert.equal(packagesSetting('homeassistant:\n  packages:\n    a: !include a.yaml\n').kind, 'other');
  });

  it("adds the packages line keeping comments and Home Assistant's tags", () => {
    const text =
      '# Loads default set of integrations.\ndefault_config:\n\nhomeassistant:\n  name: Home  # the name\n  customize: !include customize.yaml\nautomation: !include automations.yaml\n';
    const next = withPackagesLine(text);
    assert.equal(next, text.replace('  name: Home', '  packages: !include_dir_named packages\n  name: Home'));
    assert.equal(withPackagesLine('default_config:\n'), 'default_config:\n\nhomeassistant:\n  packages: !include_dir_named packages\n');
    assert.equal(withPackagesLine('homeassistant:\nhttp:\n'), 'homeassistant:\n  packages: !include_dir_named packages\nhttp:\n');
    assert.throws(() => withPackagesLine('homeassistant: !include ha.yaml\n'), /not a block of keys/);
  });
});

/** The tier and schedule templates the generator writes, evaluated for one day (UTC stands for local time). */
function evaluate(template: string, day: Date): boolean {
  const tomorrow = new Date(day.getTime() + 86_400_000);
  const js = template
    .replace(/^\{\{\s*|\s*\}\}$/g, '')
    .replaceAll('(now() + timedelta(days=1)).day', String(tomorrow.getUTCDate()))
    .replaceAll('now().weekday()', String((day.getUTCDay() + 6) % 7))
    .replaceAll('now().month', String(day.getUTCMonth() + 1))
    .replaceAll('now().day', String(day.getUTCDate()))
    .replace(/(\d+) in (\[[\d, ]+\])/g, '$2.includes($1)')
    .replaceAll(' and ', ' && ')
    .replaceAll(' or ', ' || ')
    .replaceAll('not ', '!');
  assert.match(js, /^[\d\s=!&|().[\],a-z]+$/, `unexpected template ${template}`);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the checked expression holds only numbers and operators
  const run = new Function(`return (${js});`) as () => unknown;
  return Boolean(run());
}

// planBackup: the include/exclude algebra (jcwillox/hass-auto-backup manager.py async_create_backup
// @faaddd1c), the payload transforms and encryption (_async_create_backup), locations, names, and
// what is reported as a warning or an error.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planBackup, type BackupPlan, type BackupRequestInput, type PlanContext } from '../../src/core/options';

const installed = [
  { name: 'MariaDB', slug: 'core_mariadb' },
  { name: 'Mosquitto broker', slug: 'core_mosquitto' },
  { name: 'Grafana', slug: 'a0d7b954_grafana' },
  { name: 'Studio Code Server', slug: 'a0d7b954_vscode' },
];
const ALL_SLUGS = installed.map((addon) => addon.slug);
const ALL_FOLDERS = ['share', 'addons/local', 'ssl', 'media'];
const KEY = 'AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG';

const context: PlanContext = {
  installedAddons: installed,
  now: new Date('2025-01-06T13:03:07Z'),
  timeZone: 'Europe/Amsterdam',
  defaultKey: KEY,
  haVersion: '2025.1.0',
  readableFileName: false, // most tests look at the rest of the body
};

const plan = (request: BackupRequestInput, overrides: Partial<PlanContext> = {}): BackupPlan => planBackup(request, { ...context, ...overrides });

function ok(result: BackupPlan): BackupPlan {
  assert.deepEqual(result.errors, [], 'no errors expected');
  return result;
}

describe('planBackup: what goes in (Auto Backup async_create_backup)', () => {
  it('no include and no exclude → a full backup', () => {
    const result = ok(plan({}));
    assert.equal(result.endpoint, 'full');
    assert.equal(result.label, 'full');
    assert.deepEqual(result.body, { name: 'Monday, Jan 06, 2025', compressed: true });
    assert.deepEqual(result.warnings, []);
  });

  it('exclude only → a partial backup of everything else, labelled "full with exclusions"', () => {
    const result = ok(plan({ exclude: { addons: ['MariaDB'] }, exclude_database: true, location: 'nas' }));
    assert.equal(result.endpoint, 'partial');
    assert.equal(result.label, 'full with exclusions');
    assert.deepEqual(result.body, {
      name: 'Monday, Jan 06, 2025',
      compressed: true,
      location: 'nas',
      homeassistant_exclude_database: true,
      addons: ['core_mosquitto', 'a0d7b954_grafana', 'a0d7b954_vscode'],
      folders: ALL_FOLDERS,
      homeassistant: true,
    });
  });

  it('excluding config leaves the Home Assistant configuration out', () => {
    const result = ok(plan({ exclude_folders: ['config', 'Media'] }));
    assert.equal(result.label, 'full with exclusions');
    assert.deepEqual(result.body, { name: 'Monday, Jan 06, 2025', compressed: true, addons: ALL_SLUGS, folders: ['share', 'addons/local', 'ssl'], homeassistant: false });
  });

  it('exclusions that remove nothing give a real full backup', () => {
    assert.equal(ok(plan({ exclude: {} })).endpoint, 'full');
    const unknownOnly = ok(plan({ exclude_addons: 'Zigbee2MQTT' }));
    assert.equal(unknownOnly.endpoint, 'full');
    assert.deepEqual(unknownOnly.warnings, ["Unknown add-on 'Zigbee2MQTT' in exclude: no installed add-on has this name or a matching slug; there is nothing to exclude."]);
  });

  it('include replaces the baseline: include_addons alone backs up only those add-ons', () => {
    const result = ok(plan({ include_addons: ['core_*'] }));
    assert.equal(result.label, 'partial');
    assert.deepEqual(result.body, { name: 'Monday, Jan 06, 2025', compressed: true, addons: ['core_mariadb', 'core_mosquitto'], folders: [], homeassistant: false });
  });

  it("config becomes homeassistant: true, not the legacy folder (the blueprint's hourly tier)", () => {
    const result = ok(plan({ include_folders: ['config'], keep_days: 2 }));
    assert.deepEqual(result.body, { name: 'Monday, Jan 06, 2025', compressed: true, addons: [], folders: [], homeassistant: true });
    assert.equal(result.keepDays, 2);
  });

  it('include minus exclude, without duplicates', () => {
    const result = ok(
      plan({ include: { addons: ['core_*', 'MariaDB', 'Grafana'], folders: ['config', 'homeassistant', 'share', 'ssl'] }, exclude: { addons: 'MariaDB', folders: 'ssl' } }),
    );
    assert.equal(result.label, 'partial');
    assert.deepEqual(result.body, { name: 'Monday, Jan 06, 2025', compressed: true, addons: ['core_mosquitto', 'a0d7b954_grafana'], folders: ['share'], homeassistant: true });
  });

  it('backup_partial shape: addons/folders are the include', () => {
    const result = ok(plan({ addons: 'Grafana', folders: ['share'] }));
    assert.deepEqual(result.body, { name: 'Monday, Jan 06, 2025', compressed: true, addons: ['a0d7b954_grafana'], folders: ['share'], homeassistant: false });
  });

  it('leaves an unknown included add-on out and warns with its name', () => {
    const result = ok(plan({ include: { addons: ['Grafana', 'core-mosquitto'] } }));
    assert.deepEqual(result.endpoint === 'partial' && result.body.addons, ['a0d7b954_grafana']);
    assert.deepEqual(result.warnings, ["Unknown add-on 'core-mosquitto' in include: no installed add-on has this name or a matching slug; it is left out."]);
  });

  it('an unknown folder is an error naming it', () => {
    assert.deepEqual(plan({ include: { folders: ['config', '/config'] } }).errors, [
      "Unknown folder '/config' in include: use ssl, share, media, addons (local add-ons), config (Home Assistant configuration).",
    ]);
    assert.match(plan({ exclude: { folders: 'medias' } }).errors.join(), /Unknown folder 'medias' in exclude/);
  });

  it('nothing selected is an error ("nothing to back up"), not an empty backup', () => {
    assert.match(plan({ include: {} }).errors.join(), /^Nothing to back up/);
    const onlyUnknown = plan({ include_addons: ['nope'] });
    assert.match(onlyUnknown.errors.join(), /^Nothing to back up/);
    assert.match(onlyUnknown.warnings.join(), /'nope'/);
    assert.match(plan({ include_folders: 'config', exclude_folders: 'config' }).errors.join(), /^Nothing to back up/);
    assert.match(plan({ addons: [], folders: [] }).errors.join(), /^Nothing to back up/);
  });

  it('mixed shapes built in code are an error too', () => {
    assert.match(plan({ include: { addons: 'x' }, exclude_addons: 'y' }).errors.join(), /not include and exclude_addons together/);
  });
});

describe('planBackup: payload transforms (Auto Backup _async_create_backup)', () => {
  it('password "" or null → no password key', () => {
    assert.equal('password' in ok(plan({ password: '' })).body, false);
    assert.equal('password' in ok(plan({ password: null })).body, false);
    assert.equal('password' in ok(plan({ encrypted: false })).body, false);
  });

  it('encrypted with no password → the default key; a password wins', () => {
    assert.equal(ok(plan({ password: '', encrypted: true })).body.password, KEY);
    assert.equal(ok(plan({ encrypted: true })).body.password, KEY);
    assert.equal(ok(plan({ password: 'x', encrypted: true })).body.password, 'x');
    assert.equal(ok(plan({ password: 'x', encrypted: true }, { defaultKey: null })).body.password, 'x');
  });

  it("encrypted without a default key is an error, not a silent unencrypted backup (the seed's bug)", () => {
    for (const defaultKey of [null, undefined, '']) {
      const result = plan({ encrypted: true }, { defaultKey });
      assert.match(result.errors.join(), /encrypted: true needs Home Assistant's default backup encryption key, but none is set up/);
      assert.equal('password' in result.body, false);
    }
  });

  it('never puts a password or the key into warnings or errors', () => {
    const messages = (result: BackupPlan) => [...result.warnings, ...result.errors].join('\n');
    const withPassword = plan({ password: 'hunter2', name: 'x %Q', include: { addons: 'nope', folders: 'bad' } });
    assert.ok(withPassword.errors.length > 0 && withPassword.warnings.length > 0);
    assert.doesNotMatch(messages(withPassword), /hunter2/);
    assert.doesNotMatch(messages(plan({ encrypted: true, include: { folders: 'bad' } })), new RegExp(KEY));
  });

  it("exclude_database → homeassistant_exclude_database; absent leaves the Supervisor's setting", () => {
    assert.equal(ok(plan({ exclude_database: true })).body.homeassistant_exclude_database, true);
    assert.equal(ok(plan({ exclude_database: false })).body.homeassistant_exclude_database, false);
    assert.equal('homeassistant_exclude_database' in ok(plan({})).body, false);
  });

  it('compressed is always sent (default true)', () => {
    assert.equal(ok(plan({})).body.compressed, true);
    assert.equal(ok(plan({ compressed: false })).body.compressed, false);
  });

  describe('location', () => {
    it('"/backup", ".local" and null mean local storage (null); a mount name is kept', () => {
      assert.equal(ok(plan({ location: '/backup' })).body.location, null);
      assert.equal(ok(plan({ location: '.local' })).body.location, null);
      assert.equal(ok(plan({ location: null })).body.location, null);
      assert.equal(ok(plan({ location: 'nas' })).body.location, 'nas');
      assert.equal('location' in ok(plan({})).body, false, "absent → the Supervisor's default location");
    });
    it('a list is sent as a list, normalised', () => {
      assert.deepEqual(ok(plan({ location: ['/backup', 'nas'] })).body.location, [null, 'nas']);
    });
    it('duplicates are an error', () => {
      assert.deepEqual(plan({ location: ['.local', null] }).errors, ['location: local storage is listed more than once.']);
    });
  });

  it('passes keep_days and download paths through (a path given twice once)', () => {
    const result = ok(plan({ keep_days: -1, download_path: ['/share/a', '/share/a', '/media/b'] }));
    assert.equal(result.keepDays, -1);
    assert.deepEqual(result.downloadPaths, ['/share/a', '/media/b']);
    assert.deepEqual(ok(plan({ download_path: '/share/a' })).downloadPaths, ['/share/a']);
    assert.equal(ok(plan({})).keepDays, null);
    assert.match(plan({ keep_days: Number.NaN }).errors.join(), /keep_days must be a number/);
  });
});

describe('planBackup: names and file names', () => {
  it('defaults the name in the HA zone: 23:30 UTC on Sunday is Monday in Amsterdam', () => {
    const now = new Date('2025-01-05T23:30:00Z');
    assert.equal(ok(plan({}, { now })).body.name, 'Monday, Jan 06, 2025');
    assert.equal(ok(plan({}, { now, timeZone: 'America/New_York' })).body.name, 'Sunday, Jan 05, 2025');
  });

  it('expands name templates, {ha_version} included', () => {
    assert.equal(ok(plan({ name: 'Nightly %Y-%m-%d %H:%M ({ha_version})' })).body.name, 'Nightly 2025-01-06 14:03 (2025.1.0)');
    assert.match(plan({ name: '{ha_version}' }, { haVersion: undefined }).errors.join(), /not known/);
    assert.match(plan({ name: 'x %Q' }).errors.join(), /Unknown date code "%Q"/);
  });

  it('warns about an unknown time zone', () => {
    assert.match(plan({}, { timeZone: 'Mars/Olympus' }).warnings.join(), /Unknown time zone 'Mars\/Olympus'/);
  });

  it('sends a readable file name by default, or the one asked for', () => {
    assert.equal(planBackup({ name: 'Nightly' }, { ...context, readableFileName: undefined }).body.filename, 'Nightly_2025-01-06_14.03.07.000.tar');
    assert.equal('filename' in ok(plan({ name: 'Nightly' })).body, false);
    assert.equal(ok(plan({ filename: 'nightly_%Y%m%d.tar' })).body.filename, 'nightly_20250106.tar');
    assert.match(plan({ filename: 'sub/dir.tar' }).errors.join(), /filename 'sub\/dir.tar' must end in .tar and contain no/);
  });
});

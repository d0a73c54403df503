// Backup names: Auto Backup's default (jcwillox/hass-auto-backup manager.py generate_backup_name
// @faaddd1c) and strftime-style templates in Home Assistant's time zone.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backupName, checkTemplate, expandTemplate } from '../../src/core/options';

describe('backupName', () => {
  it('defaults to "%A, %b %d, %Y" in the HA zone (2025-01-06 14:03 local)', () => {
    const now = new Date('2025-01-06T13:03:00Z');
    for (const empty of [undefined, null, '']) {
      assert.deepEqual(backupName(empty, { now, timeZone: 'Europe/Amsterdam' }), { text: 'Monday, Jan 06, 2025', errors: [] });
    }
  });

  it('expands a given name as a template', () => {
    const now = new Date('2025-01-06T13:03:00Z');
    assert.equal(backupName('Nightly %Y-%m-%d', { now, timeZone: 'UTC' }).text, 'Nightly 2025-01-06');
    assert.equal(backupName('Plain name', { now, timeZone: 'UTC' }).text, 'Plain name');
  });
});

describe('expandTemplate', () => {
  const at = (iso: string, template: string, timeZone: string | null = 'Europe/Amsterdam', haVersion?: string) =>
    expandTemplate(template, { now: new Date(iso), timeZone, haVersion });

  it('supports the common strftime codes', () => {
    const { text, errors } = at('2025-01-06T13:03:09Z', '%Y %y %m %d %H %I %M %S %p %j %A %a %B %b %%');
    assert.deepEqual(errors, []);
    assert.equal(text, '2025 25 01 06 14 02 03 09 PM 006 Monday Mon January Jan %');
  });

  it('drops leading zeros with "-", as HA users write in templates', () => {
    const { text } = at('2025-01-06T14:04:05Z', 'HourlyBackup: %A, %-I:%M %p, %B %-d, %Y', 'UTC');
    assert.equal(text, 'HourlyBackup: Monday, 2:04 PM, January 6, 2025');
    assert.equal(at('2025-01-06T08:05:07Z', '%-m/%-d %-H:%-M:%-S %-j %-y', 'UTC').text, '1/6 8:5:7 6 25');
  });

  it('uses the HA zone: 23:30 UTC on Sunday is already Monday in Amsterdam', () => {
    assert.equal(at('2025-01-05T23:30:00Z', '%A %Y-%m-%d %H:%M').text, 'Monday 2025-01-06 00:30');
    assert.equal(at('2025-01-05T23:30:00Z', '%A %Y-%m-%d %H:%M', 'America/New_York').text, 'Sunday 2025-01-05 18:30');
    assert.equal(at('2025-12-31T23:30:00Z', '%Y %j', 'Europe/Amsterdam').text, '2026 001');
  });

  it('follows daylight saving time', () => {
    assert.equal(at('2025-07-01T12:00:00Z', '%H:%M').text, '14:00');
    assert.equal(at('2025-01-01T12:00:00Z', '%H:%M').text, '13:00');
  });

  it('gives 12 AM / 12 PM like strftime', () => {
    assert.equal(at('2025-01-06T00:15:00Z', '%I:%M %p', 'UTC').text, '12:15 AM');
    assert.equal(at('2025-01-06T12:15:00Z', '%I:%M %p', 'UTC').text, '12:15 PM');
  });

  it('fills in {ha_version}, and says when it is not known', () => {
    assert.deepEqual(at('2025-01-06T12:00:00Z', 'Backup {ha_version}', 'UTC', '2025.1.0'), { text: 'Backup 2025.1.0', errors: [] });
    const missing = at('2025-01-06T12:00:00Z', 'Backup {ha_version}', 'UTC');
    assert.match(missing.errors.join(), /\{ha_version\}.*version.*not known/);
  });

  it('leaves braces that are no placeholder alone', () => {
    assert.deepEqual(at('2025-01-06T12:00:00Z', 'a {b c} {} {', 'UTC'), { text: 'a {b c} {} {', errors: [] });
  });

  it('rejects unknown codes and placeholders with a clear message', () => {
    assert.deepEqual(checkTemplate('Nightly %Y-%m-%d {ha_version}'), []);
    const [unknownCode] = checkTemplate('Backup %Q');
    assert.match(unknownCode ?? '', /Unknown date code "%Q" in "Backup %Q"/);
    assert.match(checkTemplate('10% off')[0] ?? '', /Unknown date code "% ".*%%/);
    assert.match(checkTemplate('100%')[0] ?? '', /ends with "%": write %% for a literal %/);
    assert.match(checkTemplate('%-A')[0] ?? '', /Unknown date code "%-A"/, 'no unpadded form of a word');
    assert.match(checkTemplate('%-%')[0] ?? '', /Unknown date code "%-%"/);
    assert.match(checkTemplate('{version}')[0] ?? '', /Unknown placeholder \{version\}.*known: \{ha_version\}/);
    assert.equal(checkTemplate('%Q %Z {x}').length, 3);
  });

  it('falls back to the machine zone for an unknown zone name', () => {
    const { text, errors } = at('2025-01-06T12:00:00Z', '%Y', 'Not/AZone');
    assert.deepEqual([text, errors], ['2025', []]);
  });
});

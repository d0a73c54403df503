// File names: Auto Backup's download names (jcwillox/hass-auto-backup manager.py
// async_download_backup @faaddd1c; expected values produced by python-slugify) and the readable
// `filename` we send to the Supervisor.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { downloadFileName, pythonSlugify, SUPERVISOR_FILENAME_PATTERN, supervisorFileName } from '../../src/core/options';

describe('downloadFileName (python-slugify, lowercase=False, separator="_")', () => {
  const vectors: [name: string, file: string][] = [
    ['DailyBackup: Monday, January 6, 2025', 'DailyBackup_Monday_January_6_2025.tar'],
    ['HourlyBackup: Monday, 3:04 PM, January 6, 2025', 'HourlyBackup_Monday_3_04_PM_January_6_2025.tar'],
    ['AutoBackup: Mon, 3:00 PM (06/01/2025)', 'AutoBackup_Mon_3_00_PM_06_01_2025.tar'],
    ['Core 2025.2.0', 'Core_2025_2_0.tar'],
    ['Backup ä/ö ü 10%', 'Backup_a_o_u_10.tar'],
    ['my.backup.tar', 'my_backup_tar.tar'],
  ];
  for (const [name, file] of vectors) {
    it(`${JSON.stringify(name)} → ${file}`, () => assert.equal(downloadFileName(name, '5f0c1e2a'), file));
  }

  it('falls back to <slug>.tar when nothing is left of the name', () => {
    assert.equal(downloadFileName('', '5f0c1e2a'), '5f0c1e2a.tar');
    assert.equal(downloadFileName(' :/ ', '5f0c1e2a'), '5f0c1e2a.tar');
    assert.equal(downloadFileName('😀', '5f0c1e2a'), '5f0c1e2a.tar');
  });
});

describe('pythonSlugify (compared with python-slugify 8 on unidecode)', () => {
  const vectors: [text: string, slug: string][] = [
    ['Straße Æsir Øre Łódź œuvre þorn đ', 'Strasse_AEsir_Ore_Lodz_oeuvre_thorn_d'],
    ["Paul's backup", 'Paul_s_backup'], // an ASCII quote separates…
    ['Paul’s backup', 'Pauls_backup'], // …a typographic one vanishes
    ['“Quoted” – dash — em', 'Quoted_dash_em'],
    ['1,000 backups', '1000_backups'],
    ['--a--b--', 'a_b'],
    ['Ελληνικά Θέμα ψ', 'Ellenika_Thema_ps'],
    ['Резервная копия Щука ёж Юла', 'Rezervnaia_kopiia_Shchuka_ezh_Iula'],
    ['µ 5°C × 3 € £ © ®', 'm_5degC_x_3_EUR_PS_c_r'],
    ['ﬁle ½ ²', 'file_1_2_2'],
    ['&amp; &lt;x&gt; &#65;&#x42;', 'x_AB'],
    ['&#1114112; &#65;', '1114112_65'], // one invalid code point: Python leaves every decimal reference alone
    ['Tab\tNew\nline', 'Tab_New_line'],
  ];
  for (const [text, slug] of vectors) {
    it(`${JSON.stringify(text)} → ${slug}`, () => assert.equal(pythonSlugify(text, '_'), slug));
  }
  it('uses "-" by default, like the library', () => assert.equal(pythonSlugify("Paul's backup"), 'Paul-s-backup'));
});

describe('supervisorFileName', () => {
  const at = new Date('2025-01-06T13:03:07.250Z');

  it('is the slugified name and the local date and time', () => {
    assert.equal(supervisorFileName('Nightly', at, 'Europe/Amsterdam'), 'Nightly_2025-01-06_14.03.07.250.tar');
    assert.equal(supervisorFileName('Monday, Jan 06, 2025', at, 'UTC'), 'Monday_Jan_06_2025_2025-01-06_13.03.07.250.tar');
  });

  it('keeps two backups of one name made within the same second apart', () => {
    assert.notEqual(supervisorFileName('Nightly', at, 'UTC'), supervisorFileName('Nightly', new Date(at.getTime() + 1), 'UTC'));
  });

  it('is always something the Supervisor accepts', () => {
    for (const name of ['', 'a/b\\c', '..', 'x'.repeat(500), 'ümlaut: "quoted" *?<>|']) {
      const file = supervisorFileName(name, at, 'UTC');
      assert.match(file, SUPERVISOR_FILENAME_PATTERN, file);
      assert.match(file, /^[A-Za-z0-9_.-]+$/, file);
      assert.ok(file.length < 160, file);
    }
    assert.equal(supervisorFileName('', at, 'UTC'), 'backup_2025-01-06_13.03.07.250.tar');
  });
});

// parsePolicyFile: valid files become policies; every problem becomes a diagnostic at the exact
// 0-based line/character range of the node that is wrong.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { hasErrors, parsePolicyFile, type PolicyDiagnostic, type Range, type SecretLookup } from '../../src/core/policy';

const FIXTURES = join(__dirname, '..', 'fixtures', 'policies');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

const secrets: SecretLookup = (name) => ({ backup_password: 'correct horse battery', days: 7, word: 'seventeen days' })[name];

/** The text a range covers (single-line ranges). */
function textAt(text: string, range: Range): string {
  assert.equal(range.start.line, range.end.line, 'single-line range');
  const line = text.split(/\r?\n/)[range.start.line] ?? '';
  return line.slice(range.start.character, range.end.character);
}

const r = (startLine: number, startCharacter: number, endLine: number, endCharacter: number): Range => ({
  start: { line: startLine, character: startCharacter },
  end: { line: endLine, character: endCharacter },
});

function only(text: string, options: Parameters<typeof parsePolicyFile>[1] = {}): PolicyDiagnostic {
  const { diagnostics } = parsePolicyFile(text, options);
  assert.equal(diagnostics.length, 1, `expected one diagnostic, got ${JSON.stringify(diagnostics, null, 1)}`);
  return diagnostics[0] as PolicyDiagnostic;
}

describe('parsePolicyFile: valid files', () => {
  it('reads every feature of full.yaml with no diagnostics', () => {
    const { policies, diagnostics } = parsePolicyFile(fixture('full.yaml'), { secrets });
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(
      policies.map((policy) => [policy.name, policy.enabled, policy.schedule?.cron, policy.purge, policy.verify]),
      [
        ['nightly', true, '30 2 * * *', 'auto', false],
        ['Config every 3 hours', false, '15 */3 * * *', 'manual', false],
        ['weekly offsite', true, '0 3 * * 1,4', 'auto', true],
        ['month end', true, '0 1 L * *', 'auto', false],
      ],
    );
    const [nightly, config, offsite, monthEnd] = policies;
    assert.deepEqual(nightly?.retention, { kind: 'generational', rules: { daily: 7, weekly: 4, monthly: 12, yearly: -1 } });
    assert.equal(nightly?.backup.password, 'correct horse battery');
    assert.deepEqual(nightly?.backup.location, ['.local', 'my_nas']);
    assert.deepEqual(nightly?.nameRange, r(2, 10, 2, 17));
    assert.deepEqual(config?.retention, { kind: 'keep_days', keepDays: 2 });
    assert.equal(config?.backup.exclude_database, true, 'yes is true, as in Home Assistant (PyYAML)');
    assert.deepEqual(offsite?.retention, {
      kind: 'generational',
      rules: {
        last: 3,
        within: { years: 1, months: 6, days: 0, hours: 0 },
        withinDaily: { years: 0, months: 0, days: 10, hours: 0 },
        withinWeekly: { years: 0, months: 0, days: 14, hours: 0 },
      },
    });
    // `<<: *full` merged the nightly options; the explicit name wins.
    assert.equal(offsite?.backup.name, 'Offsite %Y-%m-%d');
    assert.equal(offsite?.backup.download_path, '/media/usb');
    assert.deepEqual(offsite?.backup.exclude, { addons: 'core_mariadb' });
    assert.equal(monthEnd?.retention, null);
    assert.deepEqual(monthEnd?.backup, { encrypted: false, compressed: false, addons: ['core_mosquitto'], folders: 'ssl' });
  });

  it('applies the defaults: enabled, verify false, purge auto, a full backup', () => {
    const { policies, diagnostics } = parsePolicyFile('policies:\n  - name: p\n    schedule: daily 01:00\n');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(policies[0]?.backup, { encrypted: false, compressed: true });
    assert.equal(policies[0]?.enabled, true);
    assert.equal(policies[0]?.verify, false);
    assert.equal(policies[0]?.purge, 'auto');
    assert.equal(policies[0]?.retention, null);
  });

  it('reads an empty file, a file of comments and an empty policy list as no policies, without complaint', () => {
    for (const text of ['', '# nothing yet\n', 'policies:\n', 'policies: []\n', '\uFEFFpolicies:\n']) {
      assert.deepEqual(parsePolicyFile(text), { policies: [], diagnostics: [] }, JSON.stringify(text));
    }
  });

  it("reads Home Assistant's booleans (PyYAML: on/off, yes/no in any of three cases)", () => {
    const { policies, diagnostics } = parsePolicyFile('policies:\n  - name: p\n    schedule: daily 01:00\n    enabled: Off\n    verify: ON\n');
    assert.deepEqual(diagnostics, []);
    assert.equal(policies[0]?.enabled, false);
    assert.equal(policies[0]?.verify, true);
  });

  it('reads CRLF files with the same positions', () => {
    const text = 'policies:\r\n  - name: p\r\n    schedule: daily 26:00\r\n';
    const diagnostic = only(text);
    assert.deepEqual(diagnostic.range, r(2, 20, 2, 25));
    assert.equal(textAt(text, diagnostic.range), '26:00');
  });

  it('counts characters in UTF-16 code units, as VS Code does', () => {
    const text = 'policies:\n  - {name: "🗃️ backups", schedule: daily 26:00}\n';
    const diagnostic = only(text);
    assert.deepEqual(diagnostic.range, r(1, 42, 1, 47));
    assert.equal(textAt(text, diagnostic.range), '26:00');
  });
});

describe('parsePolicyFile: diagnostics at exact ranges (errors.yaml)', () => {
  const text = fixture('errors.yaml');
  const { policies, diagnostics } = parsePolicyFile(text, { secrets });
  const expected: [PolicyDiagnostic['code'], Range, string, RegExp][] = [
    ['schedule', r(2, 21, 2, 26), 'mnday', /'mnday' is not a weekday \(did you mean 'monday'\?\)/],
    ['schema', r(3, 13, 3, 18), 'maybe', /^expected true or false, got 'maybe'$/],
    ['mixed-selection', r(6, 6, 6, 21), 'exclude_folders', /'exclude_folders' cannot be used together with 'include'/],
    ['keep-days-in-backup', r(7, 17, 7, 18), '3', /under retention:/],
    ['unknown-key', r(8, 6, 8, 15), 'compresed', /^unknown option 'compresed' in backup of policy 'typo' \(did you mean 'compressed'\?\); allowed: name, /],
    ['unknown-key', r(10, 6, 10, 15), 'keep_dayz', /unknown option 'keep_dayz' in retention of policy 'typo' \(did you mean 'keep_days'\?\)/],
    ['duplicate-name', r(11, 10, 11, 14), 'TYPO', /another policy is already named 'typo' \(line 2\)/],
    ['schedule', r(12, 14, 12, 19), 'dayly', /did you mean 'daily'\?/],
    ['missing-key', r(13, 4, 13, 25), 'schedule: daily 25:00', /^policy 3 is missing 'name'/],
    ['schedule', r(13, 20, 13, 25), '25:00', /not a time of day/],
    ['secret', r(15, 16, 15, 28), '!secret nope', /^secret 'nope' is not defined in secrets.yaml$/],
    ['schedule', r(17, 27, 17, 32), 'extra', /unexpected 'extra'/],
    ['unsupported-tag', r(19, 16, 19, 33), '!include nas.yaml', /!include is not supported in this file; only !secret is/],
    ['retention', r(20, 15, 20, 17), '{}', /keeps nothing/],
    ['schema', r(21, 11, 21, 20), 'sometimes', /^expected 'auto' or 'manual', got 'sometimes'$/],
    ['unknown-key', r(22, 0, 22, 7), 'polices', /unknown option 'polices' at the top of the file \(did you mean 'policies'\?\)/],
  ];

  it('has exactly the expected diagnostics, in order', () => {
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.range]),
      expected.map(([code, range]) => [code, range]),
    );
  });
  expected.forEach(([code, range, covered, message], index) => {
    it(`${code} at ${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character} covers ${JSON.stringify(covered)}`, () => {
      const diagnostic = diagnostics[index] as PolicyDiagnostic;
      assert.equal(textAt(text, diagnostic.range), covered);
      assert.match(diagnostic.message, message);
      assert.equal(diagnostic.severity, 'error');
    });
  });

  it('leaves out every policy with an error', () => {
    assert.deepEqual(policies, []);
  });
});

describe('parsePolicyFile: more diagnostics', () => {
  it('YAML syntax errors, at the offending token', () => {
    const text = 'policies:\n  - name: "open\n    schedule: daily 01:00\n';
    const { diagnostics, policies } = parsePolicyFile(text);
    assert.equal(policies.length, 0);
    assert.ok(diagnostics.length >= 1);
    assert.ok(diagnostics.every((d) => d.code === 'yaml-syntax' && d.severity === 'error'));
    // yaml notices the missing quote at the end of the text: the end of the last line is marked.
    assert.match(diagnostics[0]?.message ?? '', /Missing closing "quote/);
    assert.deepEqual(diagnostics[0]?.range, r(2, 24, 2, 25));
  });

  it('a duplicate key', () => {
    const text = 'policies:\n  - name: a\n    schedule: daily 01:00\n    name: b\n';
    const diagnostic = only(text);
    assert.equal(diagnostic.code, 'yaml-syntax');
    assert.match(diagnostic.message, /Map keys must be unique/);
    assert.deepEqual(diagnostic.range, r(3, 4, 3, 8));
    assert.equal(textAt(text, diagnostic.range), 'name');
  });

  it('a second YAML document', () => {
    const diagnostic = only('policies: []\n---\npolicies: []\n');
    assert.equal(diagnostic.code, 'multiple-documents');
    assert.deepEqual(diagnostic.range, r(1, 0, 1, 3));
  });

  it('a wrong type at the top and in a policy', () => {
    let diagnostic = only('- a\n- b\n');
    assert.equal(diagnostic.message, 'expected a mapping (key: value), got a list');
    assert.deepEqual(diagnostic.range, r(0, 0, 0, 3));
    diagnostic = only('policies:\n  - name: [a, b]\n    schedule: daily 01:00\n');
    assert.equal(diagnostic.message, 'expected the policy name as text, got a list');
    assert.deepEqual(diagnostic.range, r(1, 10, 1, 16));
    diagnostic = only('policies:\n  - name: a\n    schedule: 5\n');
    assert.match(diagnostic.message, /^expected a schedule such as .*, got 5$/);
    assert.deepEqual(diagnostic.range, r(2, 14, 2, 15));
  });

  it('a missing schedule, at the first line of the policy', () => {
    const text = 'policies:\n  - name: nightly\n    backup: {}\n';
    const diagnostic = only(text);
    assert.equal(diagnostic.code, 'missing-key');
    assert.equal(diagnostic.message, "policy 'nightly' is missing 'schedule', e.g. 'schedule: daily 02:30'");
    assert.deepEqual(diagnostic.range, r(1, 4, 1, 17));
  });

  it('an empty value, at its key', () => {
    const text = 'policies:\n  - name: nightly\n    schedule:\n';
    const diagnostic = only(text);
    assert.match(diagnostic.message, /got nothing \(null\)$/);
    assert.deepEqual(diagnostic.range, r(2, 4, 2, 12));
  });

  it('a schedule error inside quotes points into the string', () => {
    const text = 'policies:\n  - name: a\n    schedule: "weekly mon,xyz 02:30"\n';
    const diagnostic = only(text);
    assert.equal(textAt(text, diagnostic.range), 'xyz');
    assert.deepEqual(diagnostic.range, r(2, 26, 2, 29));
    const escaped = 'policies:\n  - name: a\n    schedule: "weekly\\u0020mon,xyz 02:30"\n';
    assert.equal(textAt(escaped, only(escaped).range), '"weekly\\u0020mon,xyz 02:30"', 'escapes: the whole string');
  });

  it('keep_days together with generations, on each generational key', () => {
    const text = 'policies:\n  - name: a\n    schedule: daily 01:00\n    retention:\n      keep_days: 7\n      daily: 7\n';
    const diagnostic = only(text);
    assert.equal(diagnostic.code, 'retention');
    assert.match(diagnostic.message, /either keep_days or the generational rules \(daily\)/);
    assert.deepEqual(diagnostic.range, r(5, 13, 5, 14));
  });

  it('bad counts and durations', () => {
    const text = [
      'policies:',
      '  - name: a',
      '    schedule: daily 01:00',
      '    retention:',
      '      daily: -2',
      '      weekly: 1.5',
      '      monthly: lots',
      '      within: 3x',
      '      within_daily: 0d',
      '      within_weekly: {weeks: 2}',
      '',
    ].join('\n');
    const { diagnostics } = parsePolicyFile(text);
    assert.deepEqual(
      diagnostics.map((d) => [textAt(text, d.range), d.message]),
      [
        ['-2', 'cannot be below -1 (-1 or unlimited = no limit, 0 = rule off)'],
        ['1.5', 'expected a whole number: how many to keep (0 = rule off, -1 or unlimited = no limit), got 1.5'],
        ['lots', "expected a whole number: how many to keep (0 = rule off, -1 or unlimited = no limit), got 'lots'"],
        ['3x', "'x' is not a unit: use y (years), m (months), w (weeks), d (days) or h (hours)"],
        ['0d', "'0d' is zero: remove the rule to turn it off"],
        ['weeks', "unknown option 'weeks' in retention.within_weekly of policy 'a'; allowed: years, months, days, hours"],
      ],
    );
  });

  it('warns when keep_days is shorter than the time between runs, and about purge without retention', () => {
    const text = 'policies:\n  - name: a\n    schedule: weekly mon 01:00\n    retention: {keep_days: 2}\n  - name: b\n    schedule: daily 01:00\n    purge: manual\n';
    const { diagnostics, policies } = parsePolicyFile(text);
    assert.deepEqual(
      diagnostics.map((d) => [d.severity, d.code, d.range, d.message]),
      [
        ['warning', 'retention', r(3, 27, 3, 28), 'keep_days (2) is shorter than the time between runs (up to 7 days): some of the time no backup of this policy will exist'],
        ['warning', 'retention', r(6, 11, 6, 17), 'purge has no effect without retention: every backup of this policy is kept'],
      ],
    );
    assert.equal(policies.length, 2, 'warnings do not stop a policy');
    assert.equal(hasErrors(diagnostics), false);
  });

  it('passes on schedule warnings', () => {
    const diagnostic = only('policies:\n  - name: a\n    schedule: monthly 31 01:00\n');
    assert.equal(diagnostic.severity, 'warning');
    assert.deepEqual(diagnostic.range, r(2, 14, 2, 30));
  });

  it('unknown aliases, self-referencing aliases and bad merges', () => {
    let diagnostic = only('policies:\n  - name: a\n    schedule: *nope\n');
    assert.equal(diagnostic.code, 'alias');
    assert.match(diagnostic.message, /unknown alias \*nope/);
    assert.deepEqual(diagnostic.range, r(2, 14, 2, 19));
    diagnostic = only('policies: &a [*a]\n');
    assert.match(diagnostic.message, /refers to the value that contains it/);
    assert.deepEqual(diagnostic.range, r(0, 14, 0, 16));
    diagnostic = only('policies:\n  - name: &n a\n    schedule: daily 01:00\n    backup:\n      <<: *n\n');
    assert.match(diagnostic.message, /<< merges a mapping/);
    assert.deepEqual(diagnostic.range, r(4, 10, 4, 12));
  });

  it('an error inside an alias is shown at the alias', () => {
    const text = 'policies:\n  - name: a\n    schedule: daily 01:00\n    backup: &b {compressed: maybe}\n  - name: b\n    schedule: daily 02:00\n    backup: *b\n';
    const { diagnostics } = parsePolicyFile(text);
    assert.deepEqual(
      diagnostics.map((d) => [d.range, d.path]),
      [
        [r(3, 28, 3, 33), 'policies[0].backup.compressed'],
        [r(6, 12, 6, 14), 'policies[1].backup.compressed'],
      ],
    );
  });

  it('complex keys', () => {
    const diagnostic = only('policies: []\n[a, b]: 1\n');
    assert.equal(diagnostic.code, 'complex-key');
    assert.deepEqual(diagnostic.range, r(1, 0, 1, 6));
  });

  it('__proto__ and constructor are unknown keys, and pollute nothing', () => {
    const { diagnostics } = parsePolicyFile('policies: []\n__proto__: {polluted: 1}\nconstructor: 1\n');
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.range]),
      [
        ['unknown-key', r(1, 0, 1, 9)],
        ['unknown-key', r(2, 0, 2, 11)],
      ],
    );
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('keeps the valid policies when another one is broken', () => {
    const text = 'policies:\n  - name: good\n    schedule: daily 01:00\n  - name: bad\n    schedule: daily 99:00\nextra: 1\n';
    const { policies, diagnostics } = parsePolicyFile(text);
    assert.deepEqual(
      policies.map((p) => p.name),
      ['good'],
    );
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ['schedule', 'unknown-key'],
    );
  });

  it('shows at most maxDiagnostics, then says how many more', () => {
    const text = `policies: []\n${Array.from({ length: 30 }, (_, i) => `k${i}: 1`).join('\n')}\n`;
    const { diagnostics } = parsePolicyFile(text, { maxDiagnostics: 10 });
    assert.equal(diagnostics.length, 11);
    assert.deepEqual(diagnostics[10], { message: '20 more problems are not shown', severity: 'information', code: 'too-many-problems', range: r(0, 0, 0, 0) });
  });
});

describe('parsePolicyFile: !secret', () => {
  it('resolves secrets through the callback, with any scalar type', () => {
    const text = 'policies:\n  - name: a\n    schedule: daily 01:00\n    backup: {password: !secret backup_password}\n    retention: {keep_days: !secret days}\n';
    const { policies, diagnostics } = parsePolicyFile(text, { secrets });
    assert.deepEqual(diagnostics, []);
    assert.equal(policies[0]?.backup.password, 'correct horse battery');
    assert.deepEqual(policies[0]?.retention, { kind: 'keep_days', keepDays: 7 });
  });

  it('reports an unknown secret, a missing lookup, a throwing lookup and a bad !secret', () => {
    const text = 'policies:\n  - name: a\n    schedule: daily 01:00\n    backup: {password: !secret nope}\n';
    for (const options of [
      { secrets },
      {},
      {
        secrets: () => {
          throw new Error('disk on fire');
        },
      },
    ]) {
      const diagnostic = only(text, options);
      assert.equal(diagnostic.code, 'secret');
      assert.equal(diagnostic.message, "secret 'nope' is not defined in secrets.yaml");
      assert.deepEqual(diagnostic.range, r(3, 23, 3, 35));
      assert.equal(textAt(text, diagnostic.range), '!secret nope');
    }
    const bad = only('policies:\n  - name: a\n    schedule: daily 01:00\n    backup: {password: !secret [x]}\n', { secrets });
    assert.match(bad.message, /!secret needs the name of a secret/);
  });

  it("never puts a secret's value into a message", () => {
    const text = [
      'policies:',
      '  - name: !secret word',
      '    schedule: !secret word',
      '    backup:',
      '      name: !secret backup_password',
      '      location: !secret days',
      '    retention: {keep_days: !secret word, daily: !secret backup_password}',
      '  - name: b',
      '    schedule: daily 01:00',
      '    backup: {password: !secret word, filename: !secret backup_password}',
      '',
    ].join('\n');
    const { diagnostics } = parsePolicyFile(text, { secrets });
    assert.ok(diagnostics.length >= 4, JSON.stringify(diagnostics));
    for (const diagnostic of diagnostics) {
      for (const value of ['correct horse battery', 'seventeen', 'correct', 'horse']) assert.ok(!diagnostic.message.includes(value), diagnostic.message);
      assert.match(diagnostic.message, /secret '(word|backup_password|days)'/);
    }
  });
});

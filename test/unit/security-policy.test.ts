// Security checklist: policy files (and the secrets.yaml they read) with hostile content give
// diagnostics, not crashes — quickly, whatever the text: huge, deeply nested, alias and merge
// bombs, wrong types, binary junk, duplicate keys, language-specific tags, prototype keys. Each
// answer must come in bounded time (generous: it is there to catch exponential blow-ups), carry at
// least one diagnostic, and every range must lie inside the text. See also policy-hostile.test.ts.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePolicyFile, parseSecretsFile, secretLookup, type ParsedPolicyFile } from '../../src/core/policy';
import { Rng } from './retention/random';

/** A blow-up takes minutes; a loaded 2-CPU machine took 3 s for the merge-key case (2 s flaked). */
const LIMIT_MS = 10_000;

/** Parses, and checks the answer: in time, never thrown, well-formed ranges, at least one diagnostic. */
function hostile(text: string, options: { secrets?: (name: string) => string | number | boolean | null | undefined; ms?: number } = {}): ParsedPolicyFile {
  const started = performance.now();
  const result = parsePolicyFile(text, { secrets: options.secrets ?? (() => undefined) });
  const elapsed = performance.now() - started;
  assert.ok(elapsed < (options.ms ?? LIMIT_MS), `took ${Math.round(elapsed)} ms`);
  assertSaneRanges(text, result);
  assert.ok(result.diagnostics.length > 0, `no diagnostic for ${JSON.stringify(text.slice(0, 80))}`);
  return result;
}

/** Every range inside the text (0-based lines split on \n, as PositionMapper counts), start ≤ end. */
function assertSaneRanges(text: string, result: ParsedPolicyFile): void {
  const lines = text.split('\n');
  for (const { range, message, severity } of result.diagnostics) {
    assert.ok(message.length > 0 && message.length < 2000, `a readable message: ${message.slice(0, 100)}`);
    assert.ok(['error', 'warning', 'information'].includes(severity));
    for (const p of [range.start, range.end]) {
      assert.ok(Number.isInteger(p.line) && p.line >= 0 && p.line < lines.length, `line ${p.line} of ${lines.length}`);
      assert.ok(Number.isInteger(p.character) && p.character >= 0 && p.character <= lines[p.line]!.length, JSON.stringify(p));
    }
    const { start, end } = range;
    assert.ok(start.line < end.line || (start.line === end.line && start.character <= end.character), JSON.stringify(range));
  }
}

const codes = (r: ParsedPolicyFile): string[] => r.diagnostics.map((d) => d.code);
const onlyPolicy = (body: string): string => `policies:\n  - name: p\n    schedule: daily 02:00\n${body}`;

describe('security: hostile policy files', () => {
  describe('size', () => {
    it('a 5 MB file is refused before it is parsed', () => {
      const big = `policies:\n${'  - name: x\n    schedule: daily 01:00\n'.repeat(140_000)}`;
      assert.ok(big.length > 5 * 1024 * 1024);
      assert.deepEqual(codes(hostile(big, { ms: 500 })), ['too-large']);
      assert.deepEqual(codes(hostile('#'.repeat(5 * 1024 * 1024), { ms: 500 })), ['too-large']);
    });
  });

  describe('depth', () => {
    for (const [name, text] of [
      ['10 000 × [', `policies: ${'['.repeat(10_000)}${']'.repeat(10_000)}`],
      ['10 000 × { (unclosed)', `policies: ${'{'.repeat(10_000)}`],
      ['10 000 × {a: ', `policies: ${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}`],
      ['10 000 × [{ alternating', `policies: ${'[{a: '.repeat(5_000)}1${'}]'.repeat(5_000)}`],
      ['10 000 block sequence levels', `policies:\n${'- '.repeat(10_000)}x\n`],
      ['10 000 explicit keys', `${'? '.repeat(10_000)}x\n`],
    ]) {
      it(name, () => assert.deepEqual(codes(hostile(text as string)), ['too-deep']));
    }
  });

  describe('aliases and merge keys', () => {
    it('billion laughs: 10 levels of 10 aliases', () => {
      const lines = ['l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
      for (let i = 1; i <= 9; i++) lines.push(`l${i}: &l${i} [${Array.from({ length: 10 }, () => `*l${i - 1}`).join(', ')}]`);
      lines.push('policies: *l9');
      const result = hostile(lines.join('\n'));
      assert.deepEqual(codes(result), ['too-many-values']);
      assert.deepEqual(result.policies, []);
    });

    it('a wide list aliased many times', () => {
      const text = `a: &a [${Array.from({ length: 20_000 }, (_, i) => i).join(',')}]\npolicies: [${'*a,'.repeat(20)}]\n`;
      assert.deepEqual(codes(hostile(text)), ['too-many-values']);
    });

    it('merge keys that multiply', () => {
      const lines = ['m0: &m0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9, j: 10}'];
      for (let i = 1; i <= 7; i++) lines.push(`m${i}: &m${i} {${Array.from({ length: 10 }, (_, j) => `k${j}: {<<: *m${i - 1}}`).join(', ')}}`);
      lines.push('policies: []');
      assert.deepEqual(codes(hostile(lines.join('\n'))), ['too-many-values']);
    });

    it('an alias to the value that contains it, and an unknown alias', () => {
      assert.ok(codes(hostile('policies: &a [*a]')).includes('alias'));
      assert.ok(codes(hostile('policies: &a {x: *a}')).includes('alias'));
      assert.ok(codes(hostile(onlyPolicy('    retention: *nowhere\n'))).length > 0);
    });
  });

  describe('wrong types', () => {
    for (const text of [
      onlyPolicy('    retention: {daily: "7", weekly: [4], monthly: {x: 1}, yearly: true, keep_days: .nan}\n'),
      onlyPolicy('    backup: {name: [1], location: 5, password: {a: b}, compressed: "yes please", include: "all"}\n'),
      onlyPolicy('    enabled: maybe\n    verify: 2\n    purge: 1e400\n'),
      'policies:\n  - name: [a, b]\n    schedule: {daily: true}\n',
      'policies:\n  - - - nested\n',
      'policies: !!binary aGVsbG8=',
      'policies: !!timestamp 2001-12-14t21:59:43.10-05:00',
      'policies: !!set {a, b}',
      'policies: !!omap [a: 1]',
    ]) {
      it(JSON.stringify(text.slice(-60)), () => assert.deepEqual(hostile(text).policies, []));
    }
  });

  describe('binary junk', () => {
    const bytes = (seed: number, length: number): Buffer => {
      const rng = new Rng(seed);
      return Buffer.from(Array.from({ length }, () => rng.int(0, 255)));
    };
    it('random bytes read as Latin-1 and as UTF-8, NULs, control characters', () => {
      for (let seed = 1; seed <= 20; seed++) {
        const junk = bytes(seed, 4096 * seed);
        hostile(junk.toString('latin1'));
        hostile(junk.toString('utf8'));
      }
      hostile('\u0000'.repeat(100_000));
      hostile(`policies:\n  - name: "\u0007\u001b[31mred\u001b[0m"\n    schedule: "\u0000"\n`);
    });
    it('unpaired surrogates, direction overrides and zero-width characters in names', () => {
      const result = hostile(`policies:\n  - name: "\\ud800\u202e\u200b"\n    schedule: daily 02:00\n    bogus: 1\n  - name: "\u202etxt.exe"\n    schedule: daily 99:00\n`);
      assert.ok(codes(result).includes('unknown-key'));
    });
    it('a byte-order mark and CRLF line endings are not hostile', () => {
      const result = parsePolicyFile('\ufeffpolicies:\r\n  - name: p\r\n    schedule: daily 02:00\r\n');
      assert.deepEqual(result.diagnostics, []);
      assert.equal(result.policies[0]?.schedule?.cron, '0 2 * * *');
    });
  });

  describe('duplicate keys', () => {
    for (const [name, text, line] of [
      ['at the top', 'policies: []\npolicies: []\n', 1],
      ['in a policy', 'policies:\n  - name: a\n    name: b\n    schedule: daily 02:00\n', 2],
      ['in retention', onlyPolicy('    retention:\n      daily: 7\n      daily: 700\n'), 5],
      ['in a flow mapping', onlyPolicy('    backup: {compressed: true, compressed: false}\n'), 3],
    ] as const) {
      it(name, () => {
        const result = hostile(text);
        const duplicate = result.diagnostics.find((d) => /unique/i.test(d.message));
        assert.ok(duplicate, JSON.stringify(result.diagnostics));
        assert.equal(duplicate.range.start.line, line, 'points at the second key');
        assert.deepEqual(result.policies, []);
      });
    }
  });

  describe('tags', () => {
    for (const [tag, text] of [
      ['!!js/function', 'policies: !!js/function "function () { globalThis.__pwned = true }"'],
      ['!!js/undefined', onlyPolicy('    verify: !!js/undefined\n')],
      ['!!js/regexp', onlyPolicy('    purge: !!js/regexp /(a+)+$/\n')],
      ['!!python/object/apply:os.system', 'policies: !!python/object/apply:os.system ["touch /tmp/pwned"]'],
      ['!!python/name:os.system', onlyPolicy('    backup: {name: !!python/name:os.system ""}\n')],
      ['!ruby/object', 'policies: !ruby/object:Gem::Installer {i: x}'],
      ['!<tag:yaml.org,2002:js/function>', 'policies: !<tag:yaml.org,2002:js/function> "x"'],
      ['%TAG !e! tag:evil.example,2000:', '%TAG !e! tag:evil.example,2000:\n---\npolicies: !e!thing x\n'],
      ['!include', 'policies: !include ../../etc/passwd'],
      ['!env_var', onlyPolicy('    backup: {password: !env_var SUPERVISOR_TOKEN}\n')],
      ['!input', onlyPolicy('    backup: {name: !input x}\n')],
    ] as const) {
      it(`${tag} is refused with a diagnostic on the tag, and never runs`, () => {
        const result = hostile(text);
        assert.ok(codes(result).includes('unsupported-tag'), JSON.stringify(result.diagnostics));
        assert.deepEqual(result.policies, []);
        assert.equal((globalThis as { __pwned?: unknown }).__pwned, undefined);
      });
    }

    it('!secret: unknown names, non-scalars, prototype names and a lookup that throws', () => {
      const lookup = (name: string): string | undefined => {
        if (name === 'boom') throw new Error('lookup failed');
        return Object.prototype.hasOwnProperty.call({ known: 1 }, name) ? 'value' : undefined;
      };
      for (const value of ['!secret nope', '!secret [a, b]', '!secret {a: b}', '!secret', '!secret __proto__', '!secret constructor', '!secret toString', '!secret boom']) {
        const result = hostile(onlyPolicy(`    backup: {password: ${value}}\n`), { secrets: lookup });
        assert.ok(codes(result).includes('secret'), `${value}: ${JSON.stringify(result.diagnostics)}`);
      }
    });

    it('a secret’s value never appears in a diagnostic, even when it is the thing that is wrong', () => {
      const values: Record<string, string | number> = { pw: 'hunter2-secret-value', name: 'dup-secret-name', bad_schedule: 'weekly secretday 99:99', number: 31337 };
      const text = `policies:
  - name: !secret name
    schedule: !secret bad_schedule
    backup: {password: !secret number}
  - name: dup-secret-name
    schedule: daily 02:00
    retention: {daily: !secret pw}
`;
      const result = hostile(text, { secrets: (n) => values[n] });
      const messages = result.diagnostics.map((d) => d.message).join('\n');
      assert.ok(result.diagnostics.length >= 3, messages);
      for (const value of Object.values(values)) assert.ok(!messages.includes(String(value)), `${value} in:\n${messages}`);
    });
  });

  describe('prototype keys', () => {
    it('__proto__ and constructor keys are reported as unknown, and Object.prototype is untouched', () => {
      for (const text of [
        '__proto__: {polluted: yes}\npolicies: []\n',
        onlyPolicy('    __proto__: {polluted: yes}\n'),
        onlyPolicy('    backup: {__proto__: {polluted: yes}, constructor: {prototype: {polluted: yes}}}\n'),
        'a: &p {polluted: yes}\npolicies:\n  - <<: {__proto__: *p}\n    name: p\n    schedule: daily 02:00\n',
      ]) {
        const result = hostile(text);
        assert.ok(codes(result).includes('unknown-key'), JSON.stringify(result.diagnostics));
        assert.equal(({} as { polluted?: unknown }).polluted, undefined);
        assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
      }
    });
  });

  describe('schedules built to be slow', () => {
    for (const [name, schedule] of [
      ['100 000 characters', 'daily '.repeat(16_000)],
      ['30 000 comma items', `${Array.from({ length: 30_000 }, (_, i) => i % 60).join(',')} * * * *`],
      ['nested ranges and steps', `${'1-59/'.repeat(2_000)}1 * * * *`],
      ['a long run of digits', `daily ${'0'.repeat(50_000)}:00`],
      ['a near-miss repeated', `every ${'1 '.repeat(40_000)}hours`],
    ]) {
      it(name, () => assert.ok(codes(hostile(onlyPolicy('').replace('daily 02:00', JSON.stringify(schedule)))).includes('schedule')));
    }
  });
});

describe('security: hostile secrets.yaml', () => {
  /** parseSecretsFile in bounded time; the answer is either secrets or errors, never a throw. */
  function secretsWithin(text: string, ms = LIMIT_MS): ReturnType<typeof parseSecretsFile> {
    const started = performance.now();
    const result = parseSecretsFile(text);
    assert.ok(performance.now() - started < ms, `took ${Math.round(performance.now() - started)} ms`);
    for (const error of result.errors) assert.ok(error.length < 2000);
    return result;
  }

  it('deep nesting is refused without recursing (it used to be able to abort the process)', () => {
    // Deep enough to exhaust the stack of yaml's recursive composer (about 10 000 levels do).
    for (const text of [`x: ${'['.repeat(100_000)}`, `x: ${'{a: '.repeat(25_000)}`, `${'- '.repeat(50_000)}x`]) {
      assert.deepEqual(secretsWithin(text).errors, ['secrets.yaml is nested too deeply to read']);
    }
  });

  it('alias bombs are not expanded', () => {
    const lines = ['l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i <= 9; i++) lines.push(`l${i}: &l${i} [${Array.from({ length: 10 }, () => `*l${i - 1}`).join(', ')}]`);
    lines.push('password: &pw hunter2', 'again: *pw', 'bomb: *l9');
    const result = secretsWithin(lines.join('\n'));
    assert.equal(result.secrets.get('again'), 'hunter2', 'an alias to a scalar is that scalar');
    assert.equal(result.secrets.has('bomb'), false, 'collections are never secrets');
  });

  it('a syntax error never quotes a value (these messages say where, not what)', () => {
    for (const text of ['a: b\n] hunter2-secret\n', 'a: |x hunter2-secret\n', 'pw: ok\n] "hunter2-secret"\n']) {
      const { errors } = secretsWithin(text);
      assert.ok(errors.length > 0, text);
      for (const error of errors) assert.ok(!error.includes('hunter2-secret'), error);
    }
    const policy = hostile('policies: []\n] hunter2-secret\n');
    for (const d of policy.diagnostics) assert.ok(!d.message.includes('hunter2-secret'), d.message);
  });

  it('too large, binary junk, duplicate keys, tags and prototype names', () => {
    assert.deepEqual(secretsWithin('x'.repeat(300 * 1024), 200).errors, ['secrets.yaml is too large to read']);
    const rng = new Rng(7);
    const junk = Buffer.from(Array.from({ length: 64 * 1024 }, () => rng.int(0, 255))).toString('latin1');
    secretsWithin(junk);
    assert.match(secretsWithin('a: 1\na: 2\n').errors.join(), /unique/);
    const tagged = secretsWithin('f: !!js/function "function () { globalThis.__pwned = true }"\n__proto__: polluted\nconstructor: x\n');
    assert.equal((globalThis as { __pwned?: unknown }).__pwned, undefined);
    assert.equal(({} as { polluted?: unknown }).polluted, undefined);
    const lookup = secretLookup([tagged]);
    assert.equal(lookup('toString'), undefined, 'only names the file defines');
    assert.equal(lookup('__proto__'), 'polluted', 'an own name like any other, kept in a Map');
  });
});

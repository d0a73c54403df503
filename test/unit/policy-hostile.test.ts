// Hostile and random input: parsePolicyFile must answer with diagnostics, quickly, and never throw.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parsePolicyFile, STARTER_POLICY_FILE, type ParsedPolicyFile } from '../../src/core/policy';

/** The bounds below are what an idle machine needs; a loaded 2-CPU one took 5 s for a 4 s bound. A blow-up takes minutes. */
const LOADED_MACHINE = 4;

/** Parses and checks the answer is well-formed and came within `ms` (times the slack for a loaded machine). */
function parseWithin(text: string, ms: number): ParsedPolicyFile {
  const started = performance.now();
  const result = parsePolicyFile(text, { secrets: (name) => (name === 'known' ? 'value' : undefined) });
  const elapsed = performance.now() - started;
  assert.ok(elapsed < ms * LOADED_MACHINE, `took ${Math.round(elapsed)} ms (limit ${ms * LOADED_MACHINE} ms)`);
  checkRanges(text, result);
  return result;
}

/** Every range lies inside the text, start before end. */
function checkRanges(text: string, result: ParsedPolicyFile): void {
  const lines = text.split('\n');
  for (const { range, message, severity } of result.diagnostics) {
    assert.equal(typeof message, 'string');
    assert.ok(['error', 'warning', 'information'].includes(severity));
    for (const position of [range.start, range.end]) {
      assert.ok(position.line >= 0 && position.line < lines.length, `line ${position.line} of ${lines.length}`);
      assert.ok(position.character >= 0 && position.character <= (lines[position.line] as string).length, JSON.stringify(position));
    }
    assert.ok(range.start.line < range.end.line || (range.start.line === range.end.line && range.start.character <= range.end.character), JSON.stringify(range));
  }
}

const codes = (result: ParsedPolicyFile) => result.diagnostics.map((d) => d.code);

describe('hostile input', () => {
  it('10 000-deep flow nesting', () => {
    const result = parseWithin(`policies: ${'['.repeat(10_000)}${']'.repeat(10_000)}`, 2000);
    assert.deepEqual(codes(result), ['too-deep']);
    assert.equal(result.diagnostics[0]?.message, 'nested more than 64 levels deep');
    assert.deepEqual(result.diagnostics[0]?.range, { start: { line: 0, character: 73 }, end: { line: 0, character: 74 } });
  });

  it('10 000-deep block nesting', () => {
    assert.deepEqual(codes(parseWithin(`policies:\n${'- '.repeat(10_000)}x\n`, 2000)), ['too-deep']);
    assert.deepEqual(codes(parseWithin(`policies:\n${'  '.repeat(100)}${Array.from({ length: 200 }, (_, i) => `${' '.repeat(i + 1)}a:`).join('\n')}\n`, 2000)), ['too-deep']);
  });

  it('deep nesting through aliases', () => {
    const lines = ['a0: &a0 [x]', ...Array.from({ length: 100 }, (_, i) => `a${i + 1}: &a${i + 1} [*a${i}]`), 'policies: *a100'];
    const result = parseWithin(`${lines.join('\n')}\n`, 2000);
    assert.ok(codes(result).includes('too-deep'), JSON.stringify(result.diagnostics));
  });

  it('an alias bomb (billion laughs)', () => {
    const text = readFileSync(join(__dirname, '..', 'fixtures', 'policies', 'hostile-alias-bomb.yaml'), 'utf8');
    const result = parseWithin(text, 3000);
    assert.deepEqual(codes(result), ['too-many-values']);
    assert.match(result.diagnostics[0]?.message ?? '', /too many values \(over 100000\)/);
    assert.deepEqual(result.policies, []);
  });

  it('a merge-key bomb', () => {
    const lines = ['a: &a {k0: 1, k1: 1, k2: 1, k3: 1, k4: 1, k5: 1, k6: 1, k7: 1, k8: 1, k9: 1}'];
    for (let i = 1; i < 8; i++)
      lines.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} {${Array.from({ length: 10 }, (_, j) => `m${j}: *${String.fromCharCode(96 + i)}`).join(', ')}}`,
      );
    lines.push('policies: []');
    assert.deepEqual(codes(parseWithin(`${lines.join('\n')}\n`, 3000)), ['too-many-values']);
  });

  it('a 5 MB file', () => {
    const text = `policies:\n${'  - name: x\n    schedule: daily 01:00\n'.repeat(140_000)}`;
    assert.ok(text.length > 5_000_000);
    const result = parseWithin(text, 1000);
    assert.deepEqual(codes(result), ['too-large']);
    assert.match(result.diagnostics[0]?.message ?? '', /^the file is too large to read \(5\.1 MB; at most 256 KB\)$/);
  });

  it('a file just under the size limit with thousands of policies', () => {
    const text = `policies:\n${Array.from({ length: 5_000 }, (_, i) => `  - name: p${i}\n    schedule: "${i % 60} ${i % 24} * * *"\n`).join('')}`;
    assert.ok(text.length < 256 * 1024);
    const result = parseWithin(text, 8000);
    assert.deepEqual(codes(result), ['too-many-values']);
    assert.match(result.diagnostics[0]?.message ?? '', /more than 500 policies/);
    assert.equal(result.diagnostics[0]?.range.start.line, 1001);
  });

  it('a huge scalar, a huge key, very long lines', () => {
    assert.deepEqual(codes(parseWithin(`policies: ${'a'.repeat(250_000)}\n`, 2000)), ['schema']);
    // YAML itself limits implicit keys to 1024 characters.
    assert.deepEqual(codes(parseWithin(`${'k'.repeat(200_000)}: 1\npolicies: []\n`, 2000)), ['yaml-syntax']);
    const result = parseWithin(`policies:\n  - name: ${'n'.repeat(100_000)}\n    schedule: ${'daily '.repeat(20_000)}\n`, 2000);
    assert.deepEqual(codes(result), ['schema', 'schedule']);
  });

  it('pathological token streams at the size limit', () => {
    const size = 250_000;
    for (const text of [
      '['.repeat(size),
      '{'.repeat(size),
      '- '.repeat(size / 2),
      '? '.repeat(size / 2),
      `a: ${'&a '.repeat(size / 3)}x`,
      '"'.repeat(size),
      '\n'.repeat(size),
      `a: &a x\nb: [${'*a,'.repeat(size / 3)}]\n`,
    ]) {
      const result = parseWithin(text, 4000);
      assert.ok(result.diagnostics.length > 0 || text.trim() === '', text.slice(0, 20));
    }
  });

  it('many errors are capped', () => {
    const text = `policies:\n${Array.from({ length: 400 }, (_, i) => `  - {name: ${i}, x: 1}\n`).join('')}`;
    const result = parseWithin(text, 8000);
    assert.equal(result.diagnostics.length, 101);
    assert.equal(result.diagnostics[100]?.code, 'too-many-problems');
  });

  it('wrong types everywhere', () => {
    for (const text of [
      'policies: 5',
      'policies: "text"',
      'policies: {a: 1}',
      'policies: [5, "x", null, [], {}, true]',
      'policies:\n  - {name: 1, enabled: 2, schedule: [3], backup: 4, retention: 5, verify: 6, purge: 7}',
      'policies:\n  - {name: a, schedule: daily 01:00, backup: {location: {a: 1}, include: [1], password: 5, addons: {x: 1}}}',
      'policies:\n  - {name: a, schedule: daily 01:00, retention: {daily: .inf, weekly: .nan, within: [], keep_days: -1e400}}',
      '5',
      '"just text"',
      'null',
      '[]',
      '!!binary aGVsbG8=',
      '? [complex]\n: key',
      '%YAML 1.1\n---\npolicies: []\n',
      'policies: !!set {a, b}',
      '&a policies: *a',
      '*unknown',
      '\u0000\u0001\u0002',
      '\t\tpolicies: []',
      'policies:\n  - name: "\\ud800"\n    schedule: "\\u0000"\n',
    ]) {
      const result = parseWithin(text, 2000);
      assert.deepEqual(result.policies, [], text);
    }
  });
});

/** mulberry32: small, seeded, reproducible. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  ':',
  '-',
  '[',
  ']',
  '{',
  '}',
  '&a',
  '*a',
  '!secret ',
  '!secret known',
  '!include ',
  '<<: *a',
  '|',
  '>',
  "'",
  '"',
  '#',
  '%',
  '@',
  ',',
  '\n',
  ' ',
  '  ',
  '\t',
  '?',
  '---',
  '...',
  'null',
  '~',
  '7',
  '-1',
  '1e999',
  'daily 02:30',
  'weekly mon 99:99',
  'unlimited',
  'keep_days: ',
  'policies:',
  '- name: x',
  '🗃️',
  '\r\n',
  '\\',
  '\u0000',
];

function mutate(text: string, next: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const at = () => Math.floor(next() * (text.length + 1));
  const lines = text.split('\n');
  switch (Math.floor(next() * 7)) {
    case 0: {
      const start = at();
      return text.slice(0, start) + text.slice(start + 1 + Math.floor(next() * 20));
    }
    case 1: {
      const start = at();
      return text.slice(0, start) + pick(PIECES) + text.slice(start);
    }
    case 2: {
      const start = at();
      return text.slice(0, start) + pick(PIECES) + text.slice(start + 1);
    }
    case 3: {
      const line = Math.floor(next() * lines.length);
      lines.splice(line, 0, lines[Math.floor(next() * lines.length)] as string);
      return lines.join('\n');
    }
    case 4: {
      const line = Math.floor(next() * lines.length);
      lines[line] = `${' '.repeat(Math.floor(next() * 4))}${(lines[line] as string).trimStart()}`;
      return lines.join('\n');
    }
    case 5:
      return text.slice(0, at());
    default: {
      const a = Math.floor(next() * lines.length);
      const b = Math.floor(next() * lines.length);
      [lines[a], lines[b]] = [lines[b] as string, lines[a] as string];
      return lines.join('\n');
    }
  }
}

describe('fuzzing the starter file (seeded)', () => {
  it('never throws, and every range is inside the text', () => {
    const next = random(20_251_126);
    const started = performance.now();
    let withErrors = 0;
    let iterations = 0;
    for (; iterations < 1500; iterations++) {
      let text = STARTER_POLICY_FILE;
      const mutations = 1 + Math.floor(next() * 4);
      for (let m = 0; m < mutations; m++) text = mutate(text, next);
      let result: ParsedPolicyFile;
      try {
        result = parsePolicyFile(text, { secrets: (name) => (name === 'known' ? 'value' : undefined) });
      } catch (error) {
        assert.fail(`threw on iteration ${iterations}: ${String(error)}\n---\n${text}`);
      }
      checkRanges(text, result);
      if (result.diagnostics.some((d) => d.severity === 'error')) withErrors++;
      for (const policy of result.policies) assert.equal(typeof policy.schedule?.cron, 'string');
    }
    assert.ok(withErrors > iterations / 4, `the mutations should break most files (${withErrors}/${iterations})`);
    assert.ok(performance.now() - started < 60_000);
  });
});

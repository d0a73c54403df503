// Request bodies read like orjson reads them: 5.0 stays a float, so the Supervisor's voluptuous
// schemas can refuse it where they want an int (SCHEMA_FREEZE: vol.All(int, vol.Range(min=1)),
// supervisor/api/backups.py), and error messages print it as Python does.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pyRepr } from '../../src/emulator/pyFormat';
import { parsePyJson, PyFloat, pyFloatRepr, PyJsonError, stringifyPyJson } from '../../src/emulator/pyJson';
import { SCHEMA_BACKUP_FULL, SCHEMA_FREEZE, SCHEMA_OPTIONS } from '../../src/emulator/requestSchemas';
import { validateOrMessage } from '../../src/emulator/validation';
import { FAST_SCENARIO, readTar, startTestEmulator } from './helpers';
import type { TestEmulator } from './helpers';
import { Client } from './wsClient';

void describe('parsePyJson and Python float repr', () => {
  void it('keeps numbers with a fraction or exponent as floats, the rest as JSON.parse does', () => {
    const v = parsePyJson('{"a": 5, "b": 5.0, "c": -1e3, "d": [0.5, 2E-2, 7], "e": "5.0", "f": null, "g": true, "h": {}}') as Record<string, unknown>;
    assert.equal(v.a, 5);
    assert.deepEqual(v.b, new PyFloat(5));
    assert.deepEqual(v.c, new PyFloat(-1000));
    assert.deepEqual(v.d, [new PyFloat(0.5), new PyFloat(0.02), 7]);
    assert.equal(v.e, '5.0');
    assert.deepEqual([v.f, v.g, v.h], [null, true, {}]);
    assert.deepEqual(parsePyJson(' "x\\"y\\\\" '), 'x"y\\');
    assert.deepEqual(Object.keys(parsePyJson('{"__proto__": 1, "a": {"b": [[], {}]}}') as object), ['__proto__', 'a']);
    assert.deepEqual(parsePyJson('{"a": 1, "a": 2.5}'), { a: new PyFloat(2.5) });
    for (const bad of ['', '{', '{"a": NaN}', '[1,]', "{'a': 1}", '01']) assert.throws(() => parsePyJson(bad), PyJsonError, bad);
  });

  void it('prints floats like Python repr()', () => {
    const cases: [number, string][] = [
      [5, '5.0'],
      [-0, '-0.0'],
      [0.1, '0.1'],
      [1.5, '1.5'],
      [123456.789, '123456.789'],
      [1e15, '1000000000000000.0'],
      [1e16, '1e+16'],
      [1.5e300, '1.5e+300'],
      [0.0001, '0.0001'],
      [0.00001, '1e-05'],
      [1.25e-7, '1.25e-07'],
      [Infinity, 'inf'],
      [NaN, 'nan'],
    ];
    for (const [x, repr] of cases) assert.equal(pyFloatRepr(x), repr, String(x));
    assert.equal(pyRepr({ timeout: new PyFloat(5), n: 5 }), "{'timeout': 5.0, 'n': 5}");
  });

  void it('writes floats back with their fraction', () => {
    assert.equal(stringifyPyJson({ a: new PyFloat(5), b: [1, new PyFloat(0.5)], c: 'x', d: null }), '{"a":5.0,"b":[1,0.5],"c":"x","d":null}');
    assert.equal(stringifyPyJson({ s: '\u0000float:1' }), '{"s":"\\u0000float:1"}');
    assert.equal(JSON.stringify({ a: new PyFloat(5) }), '{"a":5}');
  });

  void it('validates like voluptuous: int refuses a float, Coerce(int) truncates it', () => {
    const check = (schema: typeof SCHEMA_FREEZE, text: string): unknown => {
      const r = validateOrMessage(schema, parsePyJson(text));
      return r.ok ? r.value : r.message;
    };
    assert.equal(check(SCHEMA_FREEZE, '{"timeout": 5.0}'), "expected int for dictionary value @ data['timeout']. Got 5.0");
    assert.equal(check(SCHEMA_FREEZE, '{"timeout": 5e0}'), "expected int for dictionary value @ data['timeout']. Got 5.0");
    assert.deepEqual(check(SCHEMA_FREEZE, '{"timeout": 5}'), { timeout: 5 });
    assert.equal(check(SCHEMA_FREEZE, '{"timeout": 0}'), "value must be at least 1 for dictionary value @ data['timeout']. Got 0");
    assert.deepEqual(check(SCHEMA_OPTIONS, '{"days_until_stale": 12.7}'), { days_until_stale: 12 });
    assert.equal(check(SCHEMA_BACKUP_FULL, '{"name": 1.5}'), "expected str for dictionary value @ data['name']. Got 1.5");
    assert.equal(check(SCHEMA_BACKUP_FULL, '{"extra": 2.0}'), "expected dict for dictionary value @ data['extra']. Got 2.0");
    assert.deepEqual(check(SCHEMA_BACKUP_FULL, '{"compressed": 0.0}'), { compressed: false, background: false });
  });
});

void describe('POST /backups/freeze {"timeout": 5.0}', () => {
  let emu: TestEmulator;
  before(async () => (emu = await startTestEmulator({ ...FAST_SCENARIO, core: { tokens: [{ token: 'admin-llat', admin: true }] } })));
  after(() => emu.close());

  const freeze = (rawBody: string) => emu.call('POST', '/backups/freeze', { rawBody, headers: { 'Content-Type': 'application/json' } });

  void it('is refused like the Supervisor does, and 5 is accepted', async () => {
    const res = await freeze('{"timeout": 5.0}');
    assert.equal(res.status, 400);
    assert.deepEqual(res.json, { result: 'error', message: "expected int for dictionary value @ data['timeout']. Got 5.0" });
    assert.equal((await emu.call('GET', '/info')).json.data?.state, 'running');
    const ok = await freeze('{"timeout": 5}');
    assert.equal(ok.status, 200, ok.text);
    assert.equal((await emu.call('GET', '/info')).json.data?.state, 'freeze');
    assert.equal((await emu.call('POST', '/backups/thaw')).status, 200);
    assert.equal((await emu.call('GET', '/info')).json.data?.state, 'running');
  });

  void it('keeps a float in extra a float in backup.json', async () => {
    const res = await emu.call('POST', '/backups/new/partial', {
      rawBody: '{"folders": ["ssl"], "extra": {"ratio": 2.0, "n": 2}}',
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(res.status, 200, res.text);
    const info = await emu.call('GET', `/backups/${(res.json.data as { slug: string }).slug}/info`);
    assert.deepEqual(info.json.data?.extra, { ratio: 2, n: 2 });
    const items = await readTar(await readFile(path.join(emu.dataDir, 'backup', `${(res.json.data as { slug: string }).slug}.tar`)));
    const json = items.find((i) => i.name === './backup.json')?.data.toString('utf8') ?? '';
    assert.match(json, /"extra":\{"ratio":2\.0,"n":2\}/);
  });

  void it('reaches the Supervisor as a float through Core (supervisor/api)', async () => {
    const client = await Client.open(emu.url, '/api/websocket');
    await client.next();
    client.send({ type: 'auth', access_token: 'admin-llat' });
    assert.equal((await client.next()).type, 'auth_ok');
    client.send('{"id": 1, "type": "supervisor/api", "endpoint": "/backups/freeze", "method": "post", "data": {"timeout": 5.0}}');
    const answer = await client.next();
    assert.deepEqual(answer.error, { code: 'unknown_error', message: "expected int for dictionary value @ data['timeout']. Got 5.0" });
    client.ws.close();
  });
});

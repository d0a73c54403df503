import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadScenario, parseScenario, ScenarioError } from '../../src/emulator/scenario';
import { REPO_ROOT, startTestEmulator } from './helpers';

const DEMO = path.join(REPO_ROOT, 'scenarios/demo.json');

void describe('scenarios', () => {
  void it('applies defaults and rejects unknown keys', async () => {
    const s = parseScenario({});
    assert.equal(s.timeZone, 'Europe/Amsterdam');
    assert.equal(s.daysUntilStale, 30);
    assert.deepEqual(s.backups, []);
    assert.throws(() => parseScenario({ bogus: 1 }), ScenarioError);
    assert.throws(() => parseScenario({ backups: [{ name: 'x', date: 'yesterday' }] }), ScenarioError);
    assert.throws(() => parseScenario({ backups: [{ name: 'x', date: '2026-01-01T00:00:00+00:00', locations: ['nowhere'] }] }), /not a backup mount/);
    const builtIn = await loadScenario();
    assert.ok(builtIn.backups.length > 0, 'a small default scenario when none is given');
  });

  void it('has a demo scenario with a realistic spread of backups', async () => {
    const demo = await loadScenario(DEMO);
    assert.ok(demo.backups.length >= 10 && demo.backups.length <= 14);
    assert.deepEqual(demo.addons.map((a) => a.slug).sort(), [
      '45df7312_zigbee2mqtt',
      '5c53de3b_esphome',
      'a0d7b954_vscode',
      'core_configurator',
      'core_mosquitto',
      'core_samba',
    ]);
    assert.deepEqual(
      demo.mounts.map((m) => [m.name, m.usage, m.state]),
      [
        ['nas_backups', 'backup', 'active'],
        ['offsite', 'backup', 'failed'],
        ['nas_media', 'media', 'active'],
      ],
    );
    const dates = demo.backups.map((b) => Date.parse(b.date));
    assert.ok(Math.max(...dates) < Date.parse('2026-11-26T00:00:00Z'));
    assert.ok(Math.min(...dates) > Date.parse('2026-03-01T00:00:00Z'));
    assert.ok(demo.backups.filter((b) => b.password === 'demo').length >= 2);
    assert.ok(demo.backups.some((b) => b.type === 'partial') && demo.backups.some((b) => b.type === 'full'));
    assert.ok(demo.backups.some((b) => b.locations.includes('nas_backups')));
    JSON.parse(await readFile(DEMO, 'utf8'));
  });

  void it('seeds the demo scenario', async () => {
    const emu = await startTestEmulator(DEMO);
    try {
      const list = await emu.call('GET', '/backups');
      const backups = (list.json.data?.backups ?? []) as { locations: unknown[] }[];
      assert.equal(backups.length, 12);
      // Copies on the failed "offsite" mount are not visible.
      assert.ok(backups.every((b) => !b.locations.includes('offsite')));
    } finally {
      await emu.close();
    }
  });
});

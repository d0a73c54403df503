// Property: over random sequences of events — backups made by policies and by hand, deleted elsewhere,
// downloaded and uploaded again (through the extension or Home Assistant's UI), made by Home Assistant
// or by another machine, policies renamed, disabled, removed, switched to purge: manual, the file
// broken and fixed, backups dated in the future, this machine's clock set wrong, time passing — no
// backup is ever deleted without a dialog unless the extension itself made that very backup for a
// policy that is, at that moment, enabled with purge: auto in a valid policy file — or it is one of Home
// Assistant's automatic backups and the one policy with with_automatic_settings is, at that moment,
// enabled with purge: auto in a valid file, and a person confirmed its first purge.
//
// The simulated extension refreshes its list after every event (as the real one does before every
// purge and while the view is open): a backup deleted and uploaded again with no list in between is
// byte for byte the backup it made, and cannot be told apart (see README, "When does the extension
// delete a backup?").
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BASE_SEED, Rng } from './retention/random';
import { World, type Violation } from './deletion/simulation';

const HOUR = 3_600_000;
const RUNS = 200;
const STEPS = 120;

function run(seed: number): { violations: Violation[]; deleted: number; deletedAutomatic: number; events: string[] } {
  const rng = new Rng(seed);
  const world = new World(rng);
  const violations: Violation[] = [];
  const events: string[] = [];
  for (let step = 0; step < STEPS; step++) {
    const roll = rng.int(0, 17);
    let event: string;
    if (roll <= 4) {
      const file = world.file();
      const runnable = file.status === 'missing' ? [] : file.policies.filter((p) => p.enabled);
      const policy = runnable.length && rng.chance(0.8) ? rng.pick(runnable) : undefined;
      const keepDays = policy ? (policy.retention?.kind === 'keep_days' ? policy.retention.keepDays : undefined) : rng.int(-1, 3);
      const future = rng.chance(0.1) ? rng.int(1, 30) : 0;
      world.make(policy?.name, keepDays, future);
      event = `make ${policy?.name ?? `by hand keep_days=${keepDays}`}${future ? ` dated +${future} d` : ''}`;
      world.autoPurge(event, violations);
    } else if (roll === 5) {
      world.deleteElsewhere();
      event = 'delete elsewhere';
    } else if (roll === 6) {
      world.download();
      event = 'download';
    } else if (roll === 7 || roll === 8) {
      const through = rng.chance(0.5);
      world.upload(through);
      event = `upload ${through ? 'through the extension' : 'in Home Assistant'}`;
    } else if (roll === 9) {
      const tag = rng.chance(0.6) ? rng.pick(['nightly', 'weekly', 'config']) : undefined;
      world.madeElsewhere(tag, rng.chance(0.1) ? rng.int(1, 10) : 0);
      event = `made elsewhere ${tag ?? '(untagged)'}`;
    } else if (roll <= 12) {
      event = world.changePolicies();
    } else if (roll === 15) {
      world.madeAutomatic(rng.chance(0.1) ? rng.int(1, 10) : 0);
      event = "Home Assistant's automatic backup";
      world.autoPurge(event, violations);
    } else if (roll === 16) {
      event = world.adopt();
    } else if (roll === 13) {
      world.skew = rng.chance(0.5) ? 0 : rng.int(-5, 5) * 24 * HOUR;
      event = `this machine's clock off by ${world.skew / HOUR} h`;
    } else {
      world.ha += rng.int(1, 72) * HOUR;
      event = 'time passes';
    }
    events.push(event);
    // Time flows between events (a list is never taken at the very instant a backup was recorded).
    world.ha += 60_000;
    world.observe();
  }
  return { violations, deleted: world.deleted, deletedAutomatic: world.deletedAutomatic, events };
}

describe('deletion model: property over random event sequences', () => {
  it(`no unattended deletion of anything but the extension's own backup of an enabled purge: auto policy of a valid file (${RUNS} runs × ${STEPS} events)`, () => {
    let deleted = 0;
    let deletedAutomatic = 0;
    for (let r = 0; r < RUNS; r++) {
      const seed = BASE_SEED + r;
      const result = run(seed);
      deleted += result.deleted;
      deletedAutomatic += result.deletedAutomatic;
      if (result.violations.length) {
        const v = result.violations[0]!;
        assert.fail(`seed ${seed}: ${v.why} (slug ${v.slug}, at "${v.event}"); events: ${result.events.join(' → ')}`);
      }
    }
    // The property is not vacuous: the automatic purge did delete, many times.
    assert.ok(deleted > RUNS, `only ${deleted} unattended deletions in ${RUNS} runs`);
    // …automatic backups under an adopted policy among them.
    assert.ok(deletedAutomatic > RUNS / 10, `only ${deletedAutomatic} unattended deletions of automatic backups in ${RUNS} runs`);
  });
});

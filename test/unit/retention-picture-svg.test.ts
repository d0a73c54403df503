// The retention picture as SVG (src/core/retentionPicture/svg.ts): one focusable, labelled mark per
// backup, shapes that differ for kept and removed, names escaped, colours only from the theme.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { describe, it } from 'node:test';
import { planDeletions } from '../../src/core/deletion';
import { describeRule, pictureModel, projectPolicy, renderPictureSvg, type PictureWords } from '../../src/core/retentionPicture';
import { NOW, generational, listed, made, policy, validFile } from './deletion/world';

const words: PictureWords = {
  title: 'Retention',
  kept: 'kept',
  removed: 'removed',
  now: 'now',
  mark: (m) => `${m.name}, ${m.date.slice(0, 10)}, ${m.kept ? 'kept' : 'removed'}: ${describeRule(m.rule, String)}`,
  projection: (p) => `What "${p.policy}" holds`,
  strip: (x) => `+${x.months}: ${x.count}`,
  stripDetails: (x) => `after ${x.months} months ${x.count} backups`,
  unreached: () => undefined,
};

const backups = [listed('a', 1, { name: '<script>alert(1)</script> & "co"' }), ...[2, 3, 4, 5, 6].map((d) => listed(`b${d}`, d))];
const plan = planDeletions({
  backups,
  ledger: new Map(backups.map((b) => [b.slug, made(b, { policy: 'nightly' })])),
  taggedPolicy: () => undefined,
  file: validFile(policy('nightly', generational({ last: 3 }))),
  pins: new Set(['b6']),
  now: NOW,
  confirmAbove: 5,
});
const model = pictureModel(plan, 'nightly');
const projection = projectPolicy({
  policy: { name: 'nightly', enabled: true, schedule: 'daily 03:00', retention: { kind: 'generational', rules: { last: 3 } } },
  backups: model.marks.filter((m) => m.kept),
  now: NOW,
  timeZone: 'Europe/Amsterdam',
});
const svg = renderPictureSvg(model, [projection], { now: NOW, timeZone: 'Europe/Amsterdam', locale: 'en', words });
const count = (re: RegExp) => (svg.match(re) ?? []).length;

describe('the retention picture as SVG', () => {
  it('has one mark per backup: kept ones filled, removed ones a crossed ring, pinned a diamond', () => {
    assert.equal(count(/<g class="mark /g), backups.length);
    assert.equal(count(/<g class="mark kept/g), 4); // a, b2, b3 (last 3) and b6 (pinned)
    assert.equal(count(/<g class="mark removed/g), 2);
    assert.equal(count(/<g class="mark kept pinned/g), 1);
    assert.equal(count(/<path class="cross"/g), 2);
    assert.equal(count(/tabindex="-1"/g), backups.length);
    assert.match(svg, /data-slug="b4" data-time="\d+" aria-label="Backup b4, [0-9-]+, removed: no slot left in its policy"/);
  });

  it('escapes names in labels', () => {
    assert.ok(!svg.includes('<script>'), 'no raw <script>');
    assert.ok(!svg.includes('& "co"'), 'no raw & or "');
    assert.match(svg, /aria-label="&lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; &quot;co&quot;, /);
  });

  it('draws the projection as three strips with their counts, and month ticks on the axes', () => {
    assert.deepEqual(
      [...svg.matchAll(/<g class="strip" role="img" data-months="(\d+)" data-count="(\d+)"/g)].map((m) => [m[1], m[2]]),
      [
        ['1', '3'],
        ['6', '3'],
        ['12', '3'],
      ],
    );
    assert.match(svg, /What &quot;nightly&quot; holds/);
    assert.match(svg, />Dec 4</); // the backups' week: day ticks
    assert.match(svg, />Nov</); // the projection's year: month ticks
    assert.match(svg, />Jan 2027</);
  });

  it('has no colour of its own: only classes, and the style sheet uses VS Code theme variables', () => {
    assert.doesNotMatch(svg, /#[0-9a-f]{3,6}\b|rgb\(|fill="|stroke="|style="/i);
    const css = fs.readFileSync('media/retention-picture/picture.css', 'utf8');
    assert.doesNotMatch(css, /#[0-9a-f]{3,6}\b|rgb\(/i);
    for (const [, value] of css.matchAll(/(?:fill|stroke): ([^;]+);/g)) {
      if (value !== 'none') assert.match(value ?? '', /^var\(--vscode-[a-zA-Z-]+\)$/, value);
    }
  });
});

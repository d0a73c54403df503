// The JSON Schema for editors: the committed schemas/auto_backup.schema.json must be what the zod
// schema generates today (run `npx tsx scripts/generate-policy-schema.ts` after changing it).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { POLICY_SCHEMA_FILE, policyJsonSchema, policyJsonSchemaText, STARTER_POLICY_FILE } from '../../src/core/policy';

const ROOT = join(__dirname, '..', '..');

interface JsonSchema {
  $schema?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  not?: { anyOf?: { required: string[] }[] };
  description?: string;
}

describe('schemas/auto_backup.schema.json', () => {
  it('is up to date with the zod schema', () => {
    const committed = readFileSync(join(ROOT, POLICY_SCHEMA_FILE), 'utf8');
    assert.equal(committed, policyJsonSchemaText(), 'regenerate it: npx tsx scripts/generate-policy-schema.ts');
  });

  const schema = policyJsonSchema() as JsonSchema;
  const policy = schema.properties?.policies?.anyOf?.find((option) => option.type === 'array')?.items as JsonSchema;

  it('is a draft-07 schema of a strict file with a list of policies and the automatic_backups section (both optional)', () => {
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.equal(schema.additionalProperties, false);
    assert.equal(schema.required, undefined);
    assert.deepEqual(Object.keys(schema.properties ?? {}), ['policies', 'automatic_backups']);
    // schedule is required unless with_automatic_settings is true (Home Assistant makes those backups).
    assert.deepEqual(policy.required, ['name']);
    assert.deepEqual(policy.anyOf, [{ required: ['schedule'] }, { required: ['with_automatic_settings'], properties: { with_automatic_settings: { const: true } } }]);
    assert.equal(policy.additionalProperties, false);
    assert.deepEqual(Object.keys(policy.properties ?? {}), ['name', 'enabled', 'schedule', 'with_automatic_settings', 'backup', 'retention', 'verify', 'purge', 'run_by']);
    assert.match(policy.properties?.name?.description ?? '', /extra\.vscode_ha_backups\.policy/);
  });

  it('reuses the Create Backup options and forbids keep_days and mixed shapes there', () => {
    const backup = policy.properties?.backup as JsonSchema;
    assert.ok(backup.properties?.include_folders && backup.properties.location && backup.properties.password);
    assert.equal(backup.additionalProperties, false);
    const forbidden = backup.not?.anyOf ?? [];
    assert.ok(forbidden.some((rule) => rule.required.join() === 'include,include_addons'));
    assert.ok(forbidden.some((rule) => rule.required.join() === 'keep_days'));
  });

  it('describes retention: keep_days or generations, not both', () => {
    const retention = policy.properties?.retention as JsonSchema;
    assert.deepEqual(Object.keys(retention.properties ?? {}), [
      'keep_days',
      'last',
      'hourly',
      'daily',
      'weekly',
      'monthly',
      'yearly',
      'within',
      'within_hourly',
      'within_daily',
      'within_weekly',
      'within_monthly',
      'within_yearly',
    ]);
    assert.ok(retention.not?.anyOf?.some((rule) => rule.required.join() === 'keep_days,daily'));
  });

  it('knows every key the starter file uses', () => {
    const starter = parse(STARTER_POLICY_FILE) as { policies: Record<string, unknown>[] };
    for (const item of starter.policies) {
      for (const [key, value] of Object.entries(item)) {
        const property = policy.properties?.[key];
        assert.ok(property, key);
        if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
          for (const inner of Object.keys(value)) assert.ok(property.properties?.[inner], `${key}.${inner}`);
        }
      }
    }
  });
});

// Writes schemas/auto_backup.schema.json (the JSON Schema of auto_backup.yaml) from the zod schema in
// src/core/policy/schema.ts. Run after changing that schema: `npx tsx scripts/generate-policy-schema.ts`.
// test/unit/policy-jsonSchema.test.ts fails while the committed file is out of date.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { POLICY_SCHEMA_FILE, policyJsonSchemaText } from '../src/core/policy/jsonSchema';

const target = join(__dirname, '..', POLICY_SCHEMA_FILE);
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, policyJsonSchemaText());
console.log(`wrote ${POLICY_SCHEMA_FILE}`);

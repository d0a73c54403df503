// The JSON Schema of auto_backup.yaml, generated from the zod schema, for editors (the YAML
// extension's yamlValidation). scripts/generate-policy-schema.ts writes it to
// schemas/auto_backup.schema.json; a unit test checks that file is up to date.
import * as z from 'zod';
import { policyFileSchema } from './schema';

export const POLICY_SCHEMA_FILE = 'schemas/auto_backup.schema.json';

export function policyJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(policyFileSchema, { target: 'draft-7', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    $comment: 'Generated from src/core/policy/schema.ts by scripts/generate-policy-schema.ts; do not edit.',
    ...schema,
  };
}

/** The file's exact text: 2-space JSON and a final newline. */
export function policyJsonSchemaText(): string {
  return `${JSON.stringify(policyJsonSchema(), null, 2)}\n`;
}

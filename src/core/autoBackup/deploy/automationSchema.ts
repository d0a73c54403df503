// The part of Home Assistant's automation schema that the generator writes, as zod: an automation
// (home-assistant/core homeassistant/components/automation/config.py PLATFORM_SCHEMA, 2024.10+ with
// its `_backward_compat_schema` renaming trigger/condition/action to the plural keys; read from a
// stored index of home-assistant/core, index id 372358179, no commit named), its triggers
// (homeassistant/components/homeassistant/triggers/time.py and time_pattern.py), conditions
// (helpers/config_validation.py TIME_CONDITION_SCHEMA, TEMPLATE_CONDITION_SCHEMA) and service-call
// actions (config_validation.py SERVICE_SCHEMA: `action`, formerly `service`, with `data`). Anything
// else is refused, so a generator bug shows up here and not as an automation Home Assistant disables.
import * as z from 'zod';
import { isSecretRef } from './secretRef';

/** cv.time: H:MM or HH:MM[:SS]. */
const time = z.string().regex(/^([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/, { error: 'expected a time HH:MM:SS' });

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** time_pattern.py TimePattern: a number in range, `*`, or `/N`. */
const pattern = (max: number) => z.union([z.int().min(0).max(max), z.string().regex(/^(\*|\/\d+|\d+)$/, { error: `expected a number 0-${max}, * or /N` })]);

/** TRIGGER_BASE_SCHEMA: the kind under `trigger` (2024.10+) or `platform`, not both. */
function triggerKind<K extends string, S extends z.ZodRawShape>(kind: K, shape: S) {
  return z.preprocess(
    (value) => renamed(value, 'platform', 'trigger'),
    z.strictObject({ trigger: z.literal(kind), id: z.string().optional(), enabled: z.boolean().optional(), ...shape }),
  );
}

export const timeTriggerSchema = triggerKind('time', { at: z.union([time, z.array(time).min(1)]) });

export const timePatternTriggerSchema = triggerKind('time_pattern', {
  hours: pattern(23).optional(),
  minutes: pattern(59).optional(),
  seconds: pattern(59).optional(),
}).refine((t) => t.hours !== undefined || t.minutes !== undefined || t.seconds !== undefined, { error: 'Must specify one of hours, minutes or seconds' });

export const triggerSchema = z.union([timeTriggerSchema, timePatternTriggerSchema], { error: 'expected a time or time_pattern trigger' });

export const timeConditionSchema = z
  .strictObject({
    condition: z.literal('time'),
    after: time.optional(),
    before: time.optional(),
    weekday: z.union([z.enum(WEEKDAYS), z.array(z.enum(WEEKDAYS)).min(1)]).optional(),
  })
  .refine((c) => c.after !== undefined || c.before !== undefined || c.weekday !== undefined, { error: 'must contain at least one of before, after, weekday' });

export const templateConditionSchema = z.strictObject({ condition: z.literal('template'), value_template: z.string().min(1) });

export const conditionSchema = z.union([timeConditionSchema, templateConditionSchema], { error: 'expected a time or template condition' });

/** cv.service: domain.service, both slugs. */
const service = z.string().regex(/^[a-z0-9_]+\.[a-z0-9_]+$/, { error: 'expected a service such as domain.service' });

const dataValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(dataValue), z.record(z.string(), dataValue), z.custom((v) => isSecretRef(v))]),
);

export const serviceActionSchema = z.preprocess(
  (value) => renamed(value, 'service', 'action'),
  z.strictObject({ action: service, alias: z.string().optional(), data: z.record(z.string(), dataValue).optional(), enabled: z.boolean().optional() }),
);

export const automationSchema = z.preprocess(
  (value) => renamed(renamed(renamed(value, 'trigger', 'triggers'), 'condition', 'conditions'), 'action', 'actions'),
  z.strictObject({
    id: z.string().min(1),
    alias: z.string().min(1),
    description: z.string().optional(),
    mode: z.enum(['single', 'restart', 'queued', 'parallel']).optional(),
    initial_state: z.boolean().optional(),
    triggers: z.array(triggerSchema).min(1),
    conditions: z.array(conditionSchema).optional(),
    actions: z.array(serviceActionSchema).min(1),
  }),
);

export type Automation = z.output<typeof automationSchema>;

/** cv.renamed: the old key becomes the new one; both at once is an error, as in Home Assistant. */
function renamed(value: unknown, from: string, to: string): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !(from in value)) return value;
  const record = value as Record<string, unknown>;
  if (to in record) return { ...record, [`Cannot specify both '${from}' and '${to}'. Please use '${to}' only.`]: true };
  const { [from]: moved, ...rest } = record;
  return { ...rest, [to]: moved };
}

/** Each problem as `path: message`; empty when the automation is valid. */
export function checkAutomation(value: unknown): string[] {
  const result = automationSchema.safeParse(value);
  if (result.success) return [];
  return result.error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}

// Backup policies: the auto_backup.yaml file (schema, parsing with exact diagnostics, secrets,
// starter text, JSON Schema) and schedules (readable forms → cron, next/previous run).
export { PositionMapper, type DiagnosticCode, type PolicyDiagnostic, type Position, type Range, type Severity } from './diagnostics';
export { DEFAULT_LIMITS, type LoadLimits, type SecretLookup, type SecretValue } from './load';
export {
  MAX_POLICIES,
  hasErrors,
  parsePolicyFile,
  type AutomaticBackupsSection,
  type AutomaticPolicy,
  type ParsePolicyOptions,
  type ParsedPolicyFile,
  type Policy,
} from './parse';
export { COUNT_KEYS, WITHIN_KEYS, parsePolicyDuration, toRetention, type GenerationalRules, type Retention } from './retention';
export { SCHEDULE_EXAMPLES, nextRun, nextRuns, parseSchedule, previousRun, type Schedule, type ScheduleError, type ScheduleForm, type ScheduleResult } from './schedule';
export { isKnownTimeZone } from './cron';
export { updateSeen, type SeenPolicy, type SeenUpdate } from './seen';
export { runsInVsCode } from './runBy';
export { FUTURE_TOLERANCE_MS, OVERDUE_GRACE_MS, isDue, overdueSince, type DueDecision, type DueInput } from './due';
export { POLICY_FILE_NAME, policyFileSchema, policySchema, retentionSchema, type PolicyFileInput, type PolicyInput } from './schema';
export { SECRETS_FILE_NAME, parseSecretsFile, secretLookup, secretsFileCandidates, type SecretsFile } from './secrets';
export { STARTER_POLICY_FILE } from './starter';
export { POLICY_SCHEMA_FILE, policyJsonSchema, policyJsonSchemaText } from './jsonSchema';
export { ABSENCE_DAYS, automaticCap, type AutomaticCap } from './automaticCap';
export { managedAutomaticSection, type ManagedAutomaticSection } from './managedSection';

// Retention: restic-exact generational rules (`applyPolicy`, the calling convention of the
// retention vectors in test/fixtures/retention-vectors) and the product's purge plan over Home
// Assistant backups (`planPurge`).
export { applyPolicy, evaluateRules, formatMatch } from './applyPolicy';
export type { ApplyPolicyOptions, ApplyPolicyResult, Counters, RuleMatch, SnapshotEvaluation, SnapshotLike } from './applyPolicy';
export { formatDuration, hasNoRules, parseDuration, validateRules } from './rules';
export type { CountRule, Duration, Period, RetentionDuration, RetentionRules, WithinRule } from './rules';
export { DEFAULT_CONFIRM_ABOVE, describeMatch, describeReason, formatSpan, planPurge } from './purgePlan';
export type { ExpiryValue, PolicyOwner, PurgeBackup, PurgeDecision, PurgeOptions, PurgePlan, PurgeReason } from './purgePlan';
export { parseTimestamp } from './time';
export type { Instant, Timestamp } from './time';

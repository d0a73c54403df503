// Retention: restic-exact generational policies (`applyPolicy`, the calling convention of the
// retention vectors in test/fixtures/retention-vectors) and the product's purge plan over Home
// Assistant backups (`planPurge`).
export { applyPolicy, evaluatePolicy, formatMatch } from './applyPolicy';
export type { ApplyPolicyOptions, ApplyPolicyResult, Counters, PolicyMatch, SnapshotEvaluation, SnapshotLike } from './applyPolicy';
export { formatDuration, isEmptyPolicy, parseDuration, validatePolicy } from './policy';
export type { CountRule, Duration, Period, RetentionDuration, RetentionPolicy, WithinRule } from './policy';
export {
  DEFAULT_CONFIRM_ABOVE,
  describeMatch,
  describeReason,
  formatSpan,
  planPurge,
} from './purgePlan';
export type { ExpiryValue, PolicyOwner, PurgeBackup, PurgeDecision, PurgeOptions, PurgePlan, PurgeReason } from './purgePlan';
export { parseTimestamp } from './time';
export type { Instant, Timestamp } from './time';

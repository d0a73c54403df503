// What Home Assistant's automatic-backup settings should be, from the policy file: its
// `automatic_backups:` section, and — when an enabled policy manages the automatic backups
// (`with_automatic_settings: true`) and the section names no retention — that policy's cap
// (automaticCap.ts) as Home Assistant's `retention`. The drift and Apply read this one answer.
import type { AutomaticBackupsSection, ParsedPolicyFile } from './parse';

export interface ManagedAutomaticSection extends AutomaticBackupsSection {
  /** The policy whose cap is the retention here (the section itself names none). */
  capOf?: string;
}

export function managedAutomaticSection(parsed: Pick<ParsedPolicyFile, 'automaticBackups' | 'automaticPolicy'>): ManagedAutomaticSection | undefined {
  const written = parsed.automaticBackups;
  const policy = parsed.automaticPolicy;
  if (!policy?.enabled || policy.cap.copies === null || written?.section.retention !== undefined) return written;
  return {
    section: { ...written?.section, retention: { copies: policy.cap.copies, days: null } },
    range: written?.range ?? policy.range,
    keyRanges: { ...written?.keyRanges, retention: policy.range },
    capOf: policy.name,
  };
}

// The deletion model: the ledger of backups this extension made, and the one plan that decides what
// may be deleted, with or without asking. See plan.ts for the rules.
export { isSameBackup, ledgerEntryFor, reconcileLedger, type DropReason, type LedgerEntry, type ListedBackup, type ReconcileOptions, type Reconciled } from './ledger';
export {
  describeDeletionReason,
  newestOfPolicy,
  ownerOf,
  planDeletions,
  type DeletionDecision,
  type DeletionInput,
  type DeletionPlan,
  type DeletionReason,
  type FilePolicy,
  type Owner,
  type PolicyFileState,
} from './plan';
export { GONE_LIMIT, reconcileAutomatic, type AutomaticIdentity, type AutomaticSeen } from './automaticSeen';

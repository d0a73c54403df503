// Backup requests ("what to back up and how") and their translation into Supervisor calls.
export { resolveAddons, type ResolvedAddons } from './addons';
export { downloadFileName, supervisorFileName, SUPERVISOR_FILENAME_PATTERN } from './fileName';
export { fnmatchCase } from './fnmatch';
export { ALL_BACKUP_FOLDERS, resolveFolders, type BackupFolder, type ResolvedFolders } from './folders';
export { normalizeLocation } from './location';
export { backupName } from './name';
export { planBackup, selectionOf, type BackupPlan, type PlanContext } from './plan';
export { BACKUP_REQUEST_KEYS, KEEP_DAYS_LIMIT, backupRequestSchema, parseBackupRequest, type BackupRequest, type BackupRequestInput, type ParseResult } from './schema';
export { SELECTION_SHAPES, selectionShape, type SelectionShape } from './shape';
export { pythonSlugify } from './slugify';
export { checkTemplate, expandTemplate, type Expanded, type TemplateValues } from './template';
export { EXTRA_KEY, readExtraTag, taggedPolicy, withExtraTag, type ExtraTag } from './extraTag';

// Reading Home Assistant backup archives (written by home-assistant/supervisor
// supervisor/backups/backup.py with home-assistant-libs/securetar), streaming end to end: the outer
// tar is walked by its headers (random access), backup.json is read on its own, and every inner
// archive is streamed from its byte range through SecureTar decryption (v1, v2, v3), gunzip and a
// tar parser. No archive is ever held in memory. No vscode import: this is core.
//
// This file only re-exports. The extension loads it on first use (src/extension/lazy/archive.ts);
// code that activation needs imports the module it uses directly (e.g. ./backupJson), not this one.
export { ArchiveError, isArchiveError } from './errors';
export type { ArchiveErrorKind } from './errors';
export { backupJsonSchema, parseBackupJson, readBackupJson } from './backupJson';
export type { BackupJson, BackupJsonAddon } from './backupJson';
export { normalizeEntryPath } from './entries';
export { findBackupFile } from './findBackupFile';
export type { ArchiveEntry, EntryType } from './entries';
export { expectedArchiveNames } from './openedBackup';
export type { ReadOptions } from './openedBackup';
export { listArchives, listBackup, listInnerArchive, listPart, listPartFrom } from './listing';
export type { ArchivesListing, BackupListing, InnerArchive } from './listing';
export { openEntry, openEntryFrom } from './openEntry';
export { FileSource, streamRange } from './randomAccess';
export type { RandomAccessSource } from './randomAccess';
export type { EntryReadable } from './openEntry';
export { indexPart, indexPartFrom, partSizeFrom } from './contentIndex';
export type { ContentIndex, IndexedFile } from './contentIndex';
export { verifyBackup, verifyPart, verifyPartFrom } from './verify';
export type { VerifyOptions, VerifyPart, VerifyProgress, VerifyResult } from './verify';

// Browsing inside backups: parts, directory trees, the archive cache, finding local archives and
// restoring single files safely. No vscode import: this is core.
export { cacheFileOf, cachedArchives, cachedParts, CacheTooSmallError, evictionsFor, makeRoom, touchArchive } from './archiveCache';
export type { CachedArchive } from './archiveCache';
export { DirectoryIndex } from './directoryIndex';
export type { IndexNode } from './directoryIndex';
export { configRelativePath, partIdOf, partIdOfArchive, partsOf } from './parts';
export type { BackupContent, Part, PartKind } from './parts';
export { keepCopy, resolveRestoreTarget, RestoreRefusedError, writeRestoredFile } from './restoreTarget';
export type { RestoreTarget } from './restoreTarget';

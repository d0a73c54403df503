export { fileHistory, lineChange } from './fileHistory';
export type { BackupRef, FileHistory, FileVersion, LineChange, Sighting } from './fileHistory';

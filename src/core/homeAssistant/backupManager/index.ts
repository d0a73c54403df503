// Home Assistant Core's backup manager (2025.1+): its websocket commands (client.ts), events and
// following a create (events.ts, follow.ts), download and upload (http.ts), its error answers
// (errors.ts). Backups come back as the shared model of src/core/backups.
export * from './client';
export * from './errors';
export * from './events';
export * from './follow';
export * from './http';
export { managerBackupSchema, toBackupRecord, type ManagerBackup } from './schemas';

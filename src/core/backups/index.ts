// The backup model shared by Home Assistant Core's backup manager and the Supervisor: a backup is one
// id with a copy per agent (record.ts).
export * from './record';
export * from './client';

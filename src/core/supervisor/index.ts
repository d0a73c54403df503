export * from './client';
export * from './errors';
export * from './jobs';
export * from './schemas';
export * from './serverClock';
export * from './transport';
export * from './version';

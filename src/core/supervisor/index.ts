export * from './client';
export * from './errors';
export * from './jobs';
export * from './schemas';
export * from './transport';
export * from './coreTransport';

export * from './downloadToFile';
export * from './exactSize';

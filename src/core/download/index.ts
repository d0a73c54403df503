export * from './downloadToFile';

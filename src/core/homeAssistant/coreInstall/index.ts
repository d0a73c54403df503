// Home Assistant Core or Container installs: the backup manager behind the extension's BackupClient.
export * from './asSupervisor';
export * from './coreInstallClient';
export * from './managerStatus';
export * from './refusals';
export * from './tags';
export * from './tagFile';
export * from './supervisorWithAgents';

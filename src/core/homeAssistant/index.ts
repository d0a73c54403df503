// Home Assistant (Core, the application in front of the Supervisor) from the vscode-free layer: the
// Supervisor reached through it (HomeAssistantTransport), its websocket commands from inside the add-on,
// its backup settings. Built on src/core/supervisor (errors, transports); that folder never imports
// this one.
export * from './addonConnection';
export * from './backupConfig';
export * from './homeAssistantTransport';
export * as backupManager from './backupManager';
export type { HomeAssistantSubscription } from './homeAssistantWebSocket';

// The parts of the extension, built once by createServices() with everything each one needs passed to
// its constructor, then handed to the commands (commands/registerCommands.ts), the Backups view
// (tree/backupsView.ts) and the providers (providers.ts).
import type * as vscode from 'vscode';
import { AutomaticSettingsDrift } from './automatic/automaticSettingsDrift';
import { DeployDrift } from './deploy/deployDrift';
import { ArchiveSource } from './browse/archiveSource';
import { BackupContents } from './browse/backupContents';
import { BackupPasswords } from './browse/backupPasswords';
import { Verifier } from './browse/verifier';
import { logClientWarnings } from './connection/clients';
import { ConnectionManager } from './connection/connectionManager';
import { Downloads } from './downloads';
import { BackupEvents } from './events';
import { FileHistoryService } from './history/fileHistoryService';
import { HomeAssistantEventBridge } from './homeAssistantEvents';
import { EventLog } from './log';
import { PolicyScheduler } from './policy/scheduler';
import { RetentionPictures } from './retention/picture/retentionPicture';
import { PurgePreviewDocuments } from './retention/purgePreview';
import { SafetyNet } from './safetyNet/safetyNet';
import { RetentionState } from './retention/retentionState';
import { BackupRunner } from './runner/backupRunner';
import { BackupStatusBar } from './statusBar';
import { BackupStore } from './store/backupStore';
import { AdoptionStore } from './store/adoptionStore';
import { LedgerStore } from './store/ledgerStore';
import { PinStore } from './store/pinStore';
import { BackupWarnings } from './warnings';

export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly log: EventLog;
  readonly connections: ConnectionManager;
  readonly store: BackupStore;
  readonly events: BackupEvents;
  readonly downloads: Downloads;
  readonly ledger: LedgerStore;
  readonly pins: PinStore;
  readonly adoption: AdoptionStore;
  readonly retention: RetentionState;
  readonly previews: PurgePreviewDocuments;
  readonly pictures: RetentionPictures;
  readonly passwords: BackupPasswords;
  readonly contents: BackupContents;
  readonly verifier: Verifier;
  readonly history: FileHistoryService;
  readonly safetyNet: SafetyNet;
  readonly automaticDrift: AutomaticSettingsDrift;
  readonly deployDrift: DeployDrift;
  readonly homeAssistantEvents: HomeAssistantEventBridge;
  readonly runner: BackupRunner;
  readonly scheduler: PolicyScheduler;
  readonly warnings: BackupWarnings;
  readonly statusBar: BackupStatusBar;
}

/** Builds every part, each after what it needs; disposing the result disposes them all. */
export function createServices(context: vscode.ExtensionContext, state: vscode.Memento): Services & vscode.Disposable {
  const log = new EventLog();
  logClientWarnings((message) => log.warn(message));
  const connections = new ConnectionManager(context, state);
  const store = new BackupStore(connections, state, (message) => log.warn(message));
  const events = new BackupEvents(log);
  const downloads = new Downloads(store, events, log);
  const ledger = new LedgerStore(state);
  const pins = new PinStore(state);
  const adoption = new AdoptionStore(state);
  const retention = new RetentionState(store, ledger, pins, adoption, log);
  const previews = new PurgePreviewDocuments();
  const pictures = new RetentionPictures(previews, context.extensionUri);
  const passwords = new BackupPasswords(context.secrets, store);
  const source = new ArchiveSource(context.globalStorageUri, store, log);
  const contents = new BackupContents(source, passwords, store, log);
  const verifier = new Verifier(source, contents, log);
  const history = new FileHistoryService(context.globalStorageUri, store, source, contents, log);
  const runner = new BackupRunner(store, events, log, downloads, ledger, verifier);
  const safetyNet = new SafetyNet(store, runner, log);
  const automaticDrift = new AutomaticSettingsDrift(store, log);
  const deployDrift = new DeployDrift(log);
  const homeAssistantEvents = new HomeAssistantEventBridge(events, store, log);
  const scheduler = new PolicyScheduler(store, runner, retention, log, state);
  const warnings = new BackupWarnings(store, retention, scheduler, log);
  const statusBar = new BackupStatusBar(store, retention, warnings, () => scheduler.nextRun());
  const disposables: vscode.Disposable[] = [
    log,
    downloads,
    connections,
    store,
    events,
    ledger,
    adoption,
    runner,
    statusBar,
    warnings,
    retention,
    previews,
    pictures,
    scheduler,
    contents,
    history,
    safetyNet,
    automaticDrift,
    deployDrift,
    homeAssistantEvents,
  ];
  return {
    context,
    log,
    connections,
    store,
    events,
    downloads,
    ledger,
    pins,
    adoption,
    retention,
    previews,
    pictures,
    passwords,
    contents,
    verifier,
    history,
    safetyNet,
    automaticDrift,
    deployDrift,
    homeAssistantEvents,
    runner,
    scheduler,
    warnings,
    statusBar,
    dispose: () => {
      for (const d of disposables) d.dispose();
    },
  };
}

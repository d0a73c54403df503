// What the extension asks of a backup system, whichever answers: the Supervisor (SupervisorClient, on
// Home Assistant OS and Supervised) or Home Assistant Core's backup manager on a Core or Container install
// (CoreInstallClient, src/core/homeAssistant/coreInstall). Both speak the Supervisor's shapes: a backup
// is a slug with a copy per location (`null` = this system, else a mount or, on a Core install, an agent
// id), and long operations are jobs followed with `job()`.
import type {
  Addon,
  BackupDetails,
  BackupList,
  CallOptions,
  ClockReading,
  Job,
  Location,
  Mounts,
  NewBackupOptions,
  NewPartialBackupOptions,
  PartialRestoreOptions,
  RestoreOptions,
  StreamResponse,
  SupervisorInfo,
  SupervisorTransport,
  UploadSource,
} from '../supervisor';
import type { BackupConfigUpdate } from '../homeAssistant/automaticSettings';
import type { BackupManagerConfig } from '../homeAssistant/backupManager/client';
import type { ConfigParts, ConfigValidity, ServiceDescriptions } from '../homeAssistant/services';

/** `supervisor`: the Supervisor's API (directly or through Home Assistant); `home_assistant`: Core's backup manager only. */
export type BackupSystem = 'supervisor' | 'home_assistant';

export interface BackupClient {
  readonly system: BackupSystem;
  readonly transport: SupervisorTransport;
  info(opts?: CallOptions): Promise<SupervisorInfo>;
  listBackups(opts?: CallOptions): Promise<BackupList>;
  backupInfo(slug: string, opts?: CallOptions): Promise<BackupDetails>;
  startFullBackup(options: NewBackupOptions, opts?: CallOptions): Promise<string>;
  startPartialBackup(options: NewPartialBackupOptions, opts?: CallOptions): Promise<string>;
  jobs(opts?: CallOptions): Promise<Job[]>;
  job(uuid: string, opts?: CallOptions): Promise<Job>;
  deleteBackup(slug: string, opts?: CallOptions & { location?: Location[] }): Promise<'deleted' | 'already_gone'>;
  startFullRestore(slug: string, options: RestoreOptions, opts?: CallOptions): Promise<string>;
  startPartialRestore(slug: string, options: PartialRestoreOptions, opts?: CallOptions): Promise<string>;
  uploadBackup(source: UploadSource, opts?: CallOptions & { locations?: Location[]; filename?: string }): Promise<string>;
  readClock(opts?: CallOptions): Promise<ClockReading | undefined>;
  mounts(opts?: CallOptions): Promise<Mounts>;
  addons(opts?: CallOptions): Promise<Addon[]>;
  /** With `password`: decrypted by Home Assistant's backup manager (the Supervisor cannot; it refuses). */
  download(slug: string, opts?: CallOptions & { location?: Location; password?: string }): Promise<StreamResponse>;
  /** A backup with Home Assistant's automatic-backup settings (its agents, content and key); resolves with a job id. Only through Home Assistant. */
  startAutomaticBackup?(opts?: CallOptions): Promise<string>;
  /** Home Assistant's automatic-backup settings (`backup/config/info`). Only through Home Assistant. */
  automaticSettings?(opts?: CallOptions): Promise<BackupManagerConfig>;
  /** Changes them: only the keys given (`backup/config/update`). Only through Home Assistant. */
  updateAutomaticSettings?(update: BackupConfigUpdate, opts?: CallOptions): Promise<void>;
  /** Fires an event on Home Assistant's event bus (`fire_event`; administrators only). Only through Home Assistant. */
  fireEvent?(eventType: string, data: Record<string, unknown>, opts?: CallOptions): Promise<void>;
  /** Every domain's services and their fields (`get_services`). Only through Home Assistant. */
  services?(opts?: CallOptions): Promise<ServiceDescriptions>;
  /** Calls a service (`call_service`), e.g. automation.reload. Only through Home Assistant. */
  callService?(domain: string, service: string, data?: Record<string, unknown>, opts?: CallOptions): Promise<void>;
  /** Checks triggers, conditions and actions as in an automation (`validate_config`). Only through Home Assistant. */
  validateConfig?(parts: ConfigParts, opts?: CallOptions): Promise<ConfigValidity>;
  /** Whether Home Assistant can decrypt that copy with `password` on download (`backup/can_decrypt_on_download`). */
  canDecryptOnDownload?(
    slug: string,
    location: Location | undefined,
    password: string,
    opts?: CallOptions,
  ): Promise<'ok' | 'password_incorrect' | 'decrypt_not_supported' | 'not_found'>;
}

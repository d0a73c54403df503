// The backup manager's events (`backup/subscribe_events`: home-assistant/core
// homeassistant/components/backup/basic_websocket.py handle_subscribe_events, manager.py
// ManagerStateEvent, CreateBackupEvent, ReceiveBackupEvent, RestoreBackupEvent, BlockedEvent, IdleEvent,
// UploadBackupEvent). Core first sends its last event again (the manager's current state), then the
// command's result, then every new event. Upload-progress events (2026.4+) carry `agent_id` and do not
// change the manager's state; the frontend tells them apart by that key, and so does this file.
import { SupervisorError } from '../../supervisor/errors';
import { backupManagerError } from './errors';
import { managerEventSchema, type RawManagerEvent } from './schemas';
import type { HomeAssistantSubscription } from '../homeAssistantWebSocket';

/**
 * A change of the manager's state. `managerState`: `idle`, `blocked` (Home Assistant is starting),
 * `create_backup`, `receive_backup`, `restore_backup` (open: newer versions may add more). For the last
 * three: `state` is `in_progress`, `completed`, `failed` (restore also `core_restart`), `stage` the step
 * (open strings; `null` when Core did not know the Supervisor's stage) and `reason` why it failed.
 */
export interface ManagerStateEvent {
  kind: 'manager';
  managerState: string;
  stage: string | null;
  state: string | null;
  reason: string | null;
}

/** How far the upload of the backup to one agent is. */
export interface UploadProgressEvent {
  kind: 'upload_progress';
  /** The manager's state while uploading (`create_backup`, `receive_backup`). */
  managerState: string;
  agentId: string;
  uploadedBytes: number;
  totalBytes: number;
}

export type BackupManagerEvent = ManagerStateEvent | UploadProgressEvent;

export function toManagerEvent(e: RawManagerEvent): BackupManagerEvent {
  if (typeof e.agent_id === 'string') {
    return { kind: 'upload_progress', managerState: e.manager_state, agentId: e.agent_id, uploadedBytes: e.uploaded_bytes ?? 0, totalBytes: e.total_bytes ?? 0 };
  }
  return { kind: 'manager', managerState: e.manager_state, stage: e.stage ?? null, state: e.state ?? null, reason: e.reason ?? null };
}

/** Parses one `event` of the subscription; null for something that is not a backup manager event. */
export function parseManagerEvent(raw: unknown): BackupManagerEvent | null {
  const parsed = managerEventSchema.safeParse(raw);
  return parsed.success ? toManagerEvent(parsed.data) : null;
}

/** What can subscribe: HomeAssistantWebSocket. */
export interface HomeAssistantEventSource {
  /** For messages: Home Assistant's address. */
  readonly target?: string;
  subscribe(
    message: Record<string, unknown>,
    onEvent: (event: unknown) => void,
    options?: { signal?: AbortSignal; onEnd?: (error: Error) => void },
  ): Promise<HomeAssistantSubscription>;
}

/**
 * Subscribes to the backup manager's events. `onEvent` gets the current state first (Core replays its
 * last event), then every change. Resolves to the unsubscribe function once Core accepted; a refusal
 * (non-admin, a Home Assistant without the command) is thrown as a BackupManagerError.
 */
export async function subscribeBackupEvents(
  source: HomeAssistantEventSource,
  onEvent: (event: BackupManagerEvent) => void,
  options: { signal?: AbortSignal; onEnd?: (error: Error) => void } = {},
): Promise<() => Promise<void>> {
  const command = 'backup/subscribe_events';
  const subscription = await source.subscribe(
    { type: command },
    (raw) => {
      const event = parseManagerEvent(raw);
      if (event) onEvent(event);
    },
    options,
  );
  if (!subscription.answer.success) {
    const { code, message } = subscription.answer.error;
    const target = source.target ?? 'Home Assistant';
    throw backupManagerError(new RefusedCommand(command, code, message), { command, target });
  }
  return () => subscription.unsubscribe();
}

/** A refusal in the form the HomeAssistantCommands implementations throw (errors.ts reads it back). */
class RefusedCommand extends SupervisorError {
  constructor(command: string, code: string, text: string) {
    super(code === 'unauthorized' ? `Home Assistant refused ${command}: not an administrator` : `Home Assistant refused ${command}: ${text || 'no reason given'} (${code})`, {
      kind: code === 'unauthorized' ? 'forbidden_role' : 'api',
      method: 'WS',
      path: command,
      errorKey: code,
    });
  }
}

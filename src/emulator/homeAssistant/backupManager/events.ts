// The backup manager's state events (home-assistant/core homeassistant/components/backup/manager.py:
// IdleEvent, CreateBackupEvent, ReceiveBackupEvent, RestoreBackupEvent), sent as `asdict(event)` to
// `backup/subscribe_events` subscribers. The manager's state is the last event's `manager_state`.

export type ManagerState = 'idle' | 'blocked' | 'create_backup' | 'receive_backup' | 'restore_backup';
export type ProgressState = 'in_progress' | 'completed' | 'failed' | 'core_restart';

export interface ManagerEvent {
  manager_state: ManagerState;
  reason?: string | null;
  stage?: string | null;
  state?: ProgressState;
  /** UploadBackupEvent (2026.4+): progress of one agent's upload; the manager's state does not change. */
  agent_id?: string;
  uploaded_bytes?: number;
  total_bytes?: number;
}

export const idleEvent = (): ManagerEvent => ({ manager_state: 'idle' });

export function progressEvent(
  managerState: Exclude<ManagerState, 'idle' | 'blocked'>,
  state: ProgressState,
  stage: string | null = null,
  reason: string | null = null,
): ManagerEvent {
  return { manager_state: managerState, reason, stage, state };
}

/** UploadBackupEvent: `{manager_state, agent_id, uploaded_bytes, total_bytes}` (home-assistant/core PR #163608). */
export function uploadEvent(managerState: ManagerState, agentId: string, uploaded: number, total: number): ManagerEvent {
  return { manager_state: managerState, agent_id: agentId, uploaded_bytes: uploaded, total_bytes: total };
}

export type EventListener = (event: ManagerEvent) => void;

/** The manager's event hub: last event (replayed to new subscribers), last action event, subscribers. */
export class EventHub {
  lastEvent: ManagerEvent = idleEvent();
  lastActionEvent: ManagerEvent | null = null;
  private readonly listeners = new Set<EventListener>();

  get state(): ManagerState {
    return this.lastEvent.manager_state;
  }

  /** async_on_backup_event. */
  emit(event: ManagerEvent): void {
    this.lastEvent = event;
    if (event.manager_state !== 'idle' && event.manager_state !== 'blocked') this.lastActionEvent = event;
    for (const listener of [...this.listeners]) listener(structuredClone(event));
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

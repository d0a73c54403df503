// Errors of the backup manager and how Core's websocket API reports them: a HomeAssistantError becomes
// `home_assistant_error` with its message (websocket_api/connection.py async_handle_exception); the
// backup handlers map BackupNotFound and IncorrectPasswordError to their own codes (backup/websocket.py).

export class ManagerError extends Error {
  /** `error_code` of the BackupError (the `reason` of a failed event). */
  readonly errorCode: string;
  /** The websocket error code. */
  readonly wsCode: string;
  /** The websocket error message. */
  readonly wsMessage: string;

  constructor(message: string, opts: { errorCode?: string; wsCode?: string; wsMessage?: string } = {}) {
    super(message);
    this.errorCode = opts.errorCode ?? 'backup_manager_error';
    this.wsCode = opts.wsCode ?? 'home_assistant_error';
    this.wsMessage = opts.wsMessage ?? message;
  }
}

export const busy = (state: string): ManagerError => new ManagerError(`Backup manager busy: ${state}`);
/** BackupReaderWriterError, re-raised by the manager as BackupManagerError(str(err)). */
export const readerWriterError = (message: string): ManagerError => new ManagerError(message, { errorCode: 'backup_reader_writer_error' });
export const backupNotFound = (): ManagerError => new ManagerError('Backup not found', { errorCode: 'backup_not_found', wsCode: 'backup_not_found' });
/** IncorrectPasswordError: `_message = "The password provided is incorrect."`, sent as password_incorrect "Incorrect password". */
export const incorrectPassword = (): ManagerError =>
  new ManagerError('The password provided is incorrect.', { errorCode: 'password_incorrect', wsCode: 'password_incorrect', wsMessage: 'Incorrect password' });
/** A KeyError inside the manager: the websocket API answers unknown_error. */
export const unknownError = (message: string): ManagerError => new ManagerError(message, { errorCode: 'unknown_error', wsCode: 'unknown_error', wsMessage: 'Unknown error' });

// Errors of Home Assistant Core's backup manager. Core answers a refused websocket command with
// `{success: false, error: {code, message}}`; the HomeAssistantCommands implementations
// (HomeAssistantTransport, AddonHomeAssistantConnection) turn that into a SupervisorError of kind
// `api` whose message ends in `(<code>)`, or kind `forbidden_role` for `unauthorized`. This file reads
// the code back and gives each refusal of the backup manager its own `reason`, with a sentence that
// says what was refused, where, and what to do. A BackupManagerError is a SupervisorError, so code
// that only knows SupervisorErrors (kind, message) still handles it.
import { redactSecret, SupervisorError, type SupervisorErrorKind } from '../../supervisor/errors';

export type BackupManagerErrorReason =
  /** `unknown_command`: this Home Assistant has no such command (older than 2025.1, or the command is newer). */
  | 'not_supported'
  /** `unauthorized`: the token's user is not an administrator (every backup command is @require_admin). */
  | 'needs_admin'
  /** "Backup manager busy: <state>": another backup, restore or upload is running (or Home Assistant is starting). */
  | 'busy'
  | 'backup_not_found'
  | 'password_incorrect'
  /** The copy cannot be decrypted while downloading (SecureTar v1, or an unknown format). */
  | 'decrypt_not_supported'
  /** `invalid_format`, or a `home_assistant_error` that says the request itself is wrong (agents, add-ons, folders). */
  | 'invalid_request'
  /** Any other refusal (`home_assistant_error` with another message, unknown codes). */
  | 'refused';

export class BackupManagerError extends SupervisorError {
  readonly reason: BackupManagerErrorReason;
  /** Core's error code (`unknown_command`, `home_assistant_error`, …). */
  readonly code: string;

  constructor(message: string, details: { reason: BackupManagerErrorReason; code: string; command: string; kind?: SupervisorErrorKind; cause?: unknown }) {
    super(message, {
      kind: details.kind ?? (details.reason === 'needs_admin' ? 'forbidden_role' : details.reason === 'backup_not_found' ? 'not_found' : 'api'),
      method: 'WS',
      path: details.command,
      errorKey: details.code,
      cause: details.cause,
    });
    this.name = 'BackupManagerError';
    this.reason = details.reason;
    this.code = details.code;
  }
}

export function isBackupManagerError(e: unknown, reason?: BackupManagerErrorReason): e is BackupManagerError {
  return e instanceof BackupManagerError && (reason === undefined || e.reason === reason);
}

/** Messages of `home_assistant_error` that mean the request was wrong (manager.py async_initiate_backup, CoreBackupReaderWriter, hassio/backup.py). */
const INVALID_REQUEST =
  /^(?:At least one available backup agent must be selected|Invalid agents selected|Cannot include all addons and specify specific addons|Addons and folders are not supported|Home Assistant must be included in backup|Cannot create a backup with database but without Home Assistant|Restore database must match backup|Restore .* not supported)/;

/**
 * Core's code and message of a refused command, from what a HomeAssistantCommands implementation threw:
 * `errorKey` when the implementation set it, else the `(<code>)` its message ends with.
 */
export function refusalOf(e: unknown, command: string): { code: string; text: string } | undefined {
  if (!(e instanceof SupervisorError) || e.path !== command) return undefined;
  if (e instanceof BackupManagerError) return { code: e.code, text: e.message };
  if (e.kind === 'forbidden_role') return { code: 'unauthorized', text: e.message };
  if (e.kind !== 'api') return undefined;
  const m = /^Home Assistant refused [^:]+: ([\s\S]*) \(([a-z_]+)\)$/.exec(e.message);
  if (m) return { code: m[2] ?? 'unknown_error', text: m[1] === 'no reason given' ? '' : (m[1] ?? '') };
  return e.errorKey ? { code: e.errorKey, text: e.message } : undefined;
}

export interface DescribeContext {
  /** The command (`backup/generate`). */
  command: string;
  /** Home Assistant's address, for messages (never with a token). */
  target: string;
  /** What the command was about, for messages: `backup 1a2b3c4d`. */
  subject?: string;
  /** Secrets the request carried (a backup password, the backup key): never in a message. */
  secrets?: string[];
}

/**
 * `e` as a BackupManagerError when it is a refusal of Core's backup manager; other errors (network,
 * token, timeouts) are returned unchanged.
 */
export function backupManagerError(e: unknown, ctx: DescribeContext): unknown {
  const refusal = refusalOf(e, ctx.command);
  if (!refusal) return e;
  let text = refusal.text;
  for (const s of ctx.secrets ?? []) text = redactSecret(text, s);
  const { code } = refusal;
  const where = `Home Assistant at ${ctx.target}`;
  const about = ctx.subject ? ` (${ctx.subject})` : '';
  const make = (reason: BackupManagerErrorReason, message: string): BackupManagerError => new BackupManagerError(message, { reason, code, command: ctx.command, cause: e });
  switch (code) {
    case 'unknown_command':
      return make(
        'not_supported',
        `${where} does not know ${ctx.command}: its backup manager needs Home Assistant 2025.1 or newer, and this command may need a newer version still`,
      );
    case 'unauthorized':
      return make(
        'needs_admin',
        `${where} refused ${ctx.command}${about}: backups can only be managed by an administrator; use a long-lived access token of an administrator user`,
      );
    case 'backup_not_found':
      return make('backup_not_found', `${where} has no backup ${ctx.subject ?? ''}`.trimEnd() + ` (${ctx.command})`);
    case 'password_incorrect':
      return make('password_incorrect', `${where} refused ${ctx.command}${about}: the password (backup key) is not the one this backup was encrypted with`);
    case 'decrypt_not_supported':
      return make(
        'decrypt_not_supported',
        `${where} cannot decrypt ${ctx.subject ?? 'this backup'} while downloading it (an older encryption format); download it encrypted instead`,
      );
    case 'invalid_format':
      return make('invalid_request', `${where} refused ${ctx.command}${about} as malformed: ${text || 'no reason given'}`);
    default: {
      const busy = /^Backup manager busy: (\S+)/.exec(text);
      if (busy) {
        const state = busy[1] ?? 'unknown';
        const doing = state === 'blocked' ? 'is still starting' : `is busy (${state.replace(/_/g, ' ')})`;
        return make('busy', `${where} refused ${ctx.command}${about}: its backup manager ${doing}; try again when it is idle`);
      }
      if (INVALID_REQUEST.test(text)) return make('invalid_request', `${where} refused ${ctx.command}${about}: ${text}`);
      return make('refused', `${where} refused ${ctx.command}${about}: ${text || 'no reason given'} (${code})`);
    }
  }
}

/** An answer that does not have the expected shape: says which command, never with the body (it may hold the backup key). */
export function invalidAnswer(command: string, target: string, issue?: string): SupervisorError {
  return new SupervisorError(`Unexpected answer from Home Assistant at ${target} for ${command}${issue ? ` (${issue})` : ''}`, {
    kind: 'invalid_response',
    method: 'WS',
    path: command,
  });
}

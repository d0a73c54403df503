// One error type for everything the archive reader reports, with a kind a caller can branch on
// and a message that names the backup file and, when it matters, the inner archive and entry.

export type ArchiveErrorKind =
  /** The password (or raw key) does not open an encrypted inner archive. */
  | 'wrong_password'
  /** An inner archive is encrypted and neither a password nor a key was given. */
  | 'password_required'
  /** Damaged data: bad tar header, gzip CRC, failed authentication, truncation, … */
  | 'corrupt'
  /** The file is not a Home Assistant backup (not a tar, no backup.json, invalid backup.json). */
  | 'not_a_backup'
  /** A format this reader does not know (e.g. a SecureTar version other than 1–3). */
  | 'unsupported'
  /** The caller's AbortSignal fired. */
  | 'aborted'
  /** An entry whose path or link target leaves the archive (refused by openEntry). */
  | 'unsafe_path'
  /** The inner archive or the entry asked for is not in the backup. */
  | 'not_found'
  /** The file could not be read (missing, permissions, …). */
  | 'io';

export interface ArchiveErrorDetails {
  /** The backup (outer tar) file. */
  file?: string;
  /** The inner archive, e.g. `homeassistant.tar.gz`. */
  archive?: string;
  /** The entry inside the inner archive. */
  entry?: string;
  cause?: unknown;
}

export class ArchiveError extends Error {
  override readonly name = 'ArchiveError';
  readonly file: string | undefined;
  readonly archive: string | undefined;
  readonly entry: string | undefined;

  constructor(
    readonly kind: ArchiveErrorKind,
    message: string,
    details: ArchiveErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.file = details.file;
    this.archive = details.archive;
    this.entry = details.entry;
  }
}

export function isArchiveError(e: unknown, kind?: ArchiveErrorKind): e is ArchiveError {
  return e instanceof ArchiveError && (kind === undefined || e.kind === kind);
}

export function isAbortError(e: unknown): boolean {
  return e instanceof Error && (e.name === 'AbortError' || (e as NodeJS.ErrnoException).code === 'ABORT_ERR');
}

/** The message of anything thrown. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

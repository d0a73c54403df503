// Errors raised by the Supervisor client. Each carries a machine-readable `kind` so the VS Code
// layer can show a localized, specific message; `message` is plain English for logs and tests.

export type SupervisorErrorKind =
  | 'api' // the Supervisor answered {result:"error"}
  | 'not_found'
  | 'unauthorized' // 401: no token, or a token the Supervisor does not know
  | 'token_rejected' // 403 on every route: the token is not valid
  | 'forbidden_role' // 403 on this route only: the token's role may not call it
  | 'connection_refused'
  | 'dns'
  | 'timeout'
  | 'connection_reset'
  | 'tls' // the server's certificate could not be verified
  | 'network'
  | 'aborted'
  | 'invalid_response';

export interface SupervisorErrorDetails {
  kind: SupervisorErrorKind;
  method: string;
  path: string;
  status?: number;
  errorKey?: string;
  jobId?: string;
  extraFields?: Record<string, unknown>;
  cause?: unknown;
}

export class SupervisorError extends Error {
  readonly kind: SupervisorErrorKind;
  readonly method: string;
  readonly path: string;
  readonly status?: number;
  readonly errorKey?: string;
  readonly jobId?: string;
  readonly extraFields?: Record<string, unknown>;

  constructor(message: string, details: SupervisorErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'SupervisorError';
    this.kind = details.kind;
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
    this.errorKey = details.errorKey;
    this.jobId = details.jobId;
    this.extraFields = details.extraFields;
  }
}

export function isSupervisorError(e: unknown): e is SupervisorError {
  return e instanceof SupervisorError;
}

/** True when the Supervisor refused a backup because another backup/restore holds it in `freeze`. */
export function isFreezeConflict(e: unknown): boolean {
  return isSupervisorError(e) && e.kind === 'api' && /system is not running - freeze/.test(e.message);
}

/**
 * `text` with every occurrence of `secret` (a token) replaced by `***`. Servers and proxies may
 * repeat the request, Authorization header included, in an error body; that text becomes messages
 * that are logged and shown. Secrets shorter than 4 characters are left alone (they would garble words).
 */
export function redactSecret(text: string, secret: string): string {
  return secret.length >= 4 && text.includes(secret) ? text.split(secret).join('***') : text;
}

const NETWORK_CODES: Record<string, SupervisorErrorKind> = {
  ECONNREFUSED: 'connection_refused',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  ETIMEDOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  ECONNRESET: 'connection_reset',
  UND_ERR_SOCKET: 'connection_reset',
  EPIPE: 'connection_reset',
  UND_ERR_ABORTED: 'aborted',
  ABORT_ERR: 'aborted',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'tls',
  SELF_SIGNED_CERT_IN_CHAIN: 'tls',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'tls',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'tls',
  CERT_HAS_EXPIRED: 'tls',
  ERR_TLS_CERT_ALTNAME_INVALID: 'tls',
  // Rarer verification failures (OpenSSL's X509_V_ERR_* names as Node reports them).
  CERT_NOT_YET_VALID: 'tls',
  UNABLE_TO_GET_ISSUER_CERT: 'tls',
  UNABLE_TO_DECRYPT_CERT_SIGNATURE: 'tls',
  UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: 'tls',
  CERT_SIGNATURE_FAILURE: 'tls',
  ERROR_IN_CERT_NOT_BEFORE_FIELD: 'tls',
  ERROR_IN_CERT_NOT_AFTER_FIELD: 'tls',
  CERT_CHAIN_TOO_LONG: 'tls',
  CERT_REVOKED: 'tls',
  INVALID_CA: 'tls',
  PATH_LENGTH_EXCEEDED: 'tls',
  INVALID_PURPOSE: 'tls',
  CERT_UNTRUSTED: 'tls',
  CERT_REJECTED: 'tls',
  HOSTNAME_MISMATCH: 'tls',
};

/** Maps a low-level error (undici, Node net, AbortSignal) to a SupervisorError with its own kind. */
export function networkError(e: unknown, method: string, path: string, baseUrl: string): SupervisorError {
  if (e instanceof SupervisorError) return e;
  const code = findCode(e);
  const name = e instanceof Error ? e.name : '';
  const kind: SupervisorErrorKind = name === 'AbortError' ? 'aborted' : name === 'TimeoutError' ? 'timeout' : (code && NETWORK_CODES[code]) || 'network';
  const text: Record<SupervisorErrorKind, string> = {
    connection_refused: `Connection refused by ${baseUrl}: nothing is listening there`,
    dns: `Cannot resolve the host name of ${baseUrl}`,
    timeout: `${baseUrl} did not answer in time`,
    connection_reset: `The connection to ${baseUrl} was closed before the answer was complete`,
    tls: `The certificate of ${baseUrl} could not be verified (${findCode(e) ?? 'TLS error'})`,
    aborted: 'The request was cancelled',
    network: `Network error talking to ${baseUrl}: ${e instanceof Error ? e.message : String(e)}`,
  } as Record<SupervisorErrorKind, string>;
  return new SupervisorError(text[kind] ?? text.network, { kind, method, path, cause: e });
}

function findCode(e: unknown): string | undefined {
  // undici wraps socket errors; the useful code can sit one or two `cause` levels down.
  for (let cur: unknown = e, depth = 0; cur && depth < 4; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && code in NETWORK_CODES) return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  const top = (e as { code?: unknown } | undefined)?.code;
  return typeof top === 'string' ? top : undefined;
}

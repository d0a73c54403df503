// Every token and password the integration tests use, so that the run's security scan
// (secretScan.ts) can check that none of them ever reaches the log, the settings or the tree. New
// tests should take their secrets from TEST_SECRETS (or define them with a name ending in TOKEN,
// LLAT, PASSWORD or KEY, or as a `token:`/`password:` property, or register them with
// secretScan.ts's registerSecret) so that the collector below finds them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ENV } from '../../harness/protocol';

/** The fixed secrets of the suite: scenarios/test.json and literals in the test files. */
export const TEST_SECRETS = {
  /** backups.test.ts: a token the emulator does not know. */
  wrongToken: 'not-the-token',
  /** scenarios/test.json core.tokens, viaHomeAssistant.test.ts. */
  homeAssistantAdminToken: 'test-admin-llat',
  homeAssistantUserToken: 'test-user-llat',
  /** scenarios/test.json tokens (a Supervisor token with the backup role). */
  backupRoleToken: 'backup-role-token',
  /** scenarios/test.json: Home Assistant's default backup encryption key. */
  defaultBackupKey: 'TEST-KEY1-2345-6789-ABCD-EFGH-JKLM',
  /** scenarios/test.json: the password of the seeded "Protected full" backup (transfer, browse). */
  protectedBackupPassword: 'test-password',
  /** createBackup.test.ts: the password of a new backup. */
  newBackupPassword: 'a password',
  /** viaHomeAssistant.test.ts: a restore password that is not the key. */
  notTheKey: 'not the key',
} as const;

export interface FoundSecret {
  value: string;
  /** Where it was found, for the failure message. */
  source: string;
}

/** String literals given to something named like a secret, in TypeScript source. */
const LITERAL_PATTERNS = [
  // { token: 'x' }, password: "x", access_token: 'x'
  /\b(?:token|password|passphrase|access_token|api_password)\s*:\s*(['"`])((?:(?!\1)[^\\\n$])+)\1/g,
  // const ADMIN_LLAT = 'x'; const PASSWORD = 'x'; const DEFAULT_BACKUP_KEY = "x"
  /\bconst\s+[A-Z0-9_]*(?:TOKEN|LLAT|PASSWORD|KEY|SECRET)[A-Z0-9_]*\s*=\s*(['"`])((?:(?!\1)[^\\\n$])+)\1/g,
];

function fromSource(file: string, text: string): FoundSecret[] {
  const found: FoundSecret[] = [];
  for (const pattern of LITERAL_PATTERNS) {
    for (const m of text.matchAll(pattern)) found.push({ value: m[2]!, source: `${file}:${text.slice(0, m.index).split('\n').length}` });
  }
  return found;
}

/** Values of `token` and `password` keys anywhere in a JSON value. */
function fromJson(value: unknown, source: string, found: FoundSecret[] = []): FoundSecret[] {
  if (Array.isArray(value)) value.forEach((v) => fromJson(v, source, found));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (/^(token|password)$/i.test(k) && typeof v === 'string') found.push({ value: v, source: `${source} (${k})` });
      else fromJson(v, source, found);
    }
  }
  return found;
}

function filesUnder(dir: string, ext: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith(ext)).map((f) => path.join(dir, f));
}

/**
 * Every secret of this run: the emulator's token (random per run), TEST_SECRETS, the tokens and
 * passwords of scenarios/test.json, secret-named literals in test/integration/**\/*.ts, and the
 * text values of the workspace's secrets.yaml. Values shorter than 4 characters are left out
 * (they would match ordinary words).
 */
export function collectSecrets(repo: string, workspace: string | undefined, extra: FoundSecret[] = []): FoundSecret[] {
  const found: FoundSecret[] = [...extra];
  const token = process.env[ENV.emulatorToken];
  if (token) found.push({ value: token, source: `the emulator token ($${ENV.emulatorToken})` });
  for (const [name, value] of Object.entries(TEST_SECRETS)) found.push({ value, source: `TEST_SECRETS.${name}` });
  const scenario = path.join(repo, 'scenarios', 'test.json');
  if (fs.existsSync(scenario)) fromJson(JSON.parse(fs.readFileSync(scenario, 'utf8')), 'scenarios/test.json', found);
  for (const file of filesUnder(path.join(repo, 'test', 'integration'), '.ts')) {
    found.push(...fromSource(path.relative(repo, file), fs.readFileSync(file, 'utf8')));
  }
  const secretsYaml = workspace && path.join(workspace, 'secrets.yaml');
  if (secretsYaml && fs.existsSync(secretsYaml)) {
    for (const m of fs.readFileSync(secretsYaml, 'utf8').matchAll(/^([\w-]+):\s*["']?([^"'#\n]*?)["']?\s*$/gm)) {
      // Numbers (coordinates) would match unrelated figures in the log; text values are the secrets.
      if (!/^[\d.,-]+$/.test(m[2]!)) found.push({ value: m[2]!, source: `workspace secrets.yaml (${m[1]})` });
    }
  }
  const unique = new Map<string, FoundSecret>();
  for (const f of found) if (f.value.length >= 4 && !unique.has(f.value)) unique.set(f.value, f);
  return [...unique.values()];
}

/**
 * Where `secret` appears in `text` as a value, with some context; undefined if it does not. A
 * secret that is a phrase ("a password") only counts quoted or after `=`: the log may well say
 * "a password is needed".
 */
export function findSecret(text: string, secret: string): string | undefined {
  let at: number;
  if (/\s/.test(secret)) {
    const escaped = secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const m = new RegExp(`(["'=])${escaped}(["'\\s,}\\]]|$)`).exec(text);
    if (!m) return undefined;
    at = m.index;
  } else {
    at = text.indexOf(secret);
    if (at === -1) return undefined;
  }
  return text.slice(Math.max(0, at - 80), at + secret.length + 40).replace(/\s+/g, ' ');
}

// Passwords of protected backups for looking inside them: asked once per backup and kept for the
// session; on request remembered in VS Code's SecretStorage (never in settings or logs). Home
// Assistant's own backup key is tried first when it can be read (backups made with `encrypted`).
import * as vscode from 'vscode';
import type { Backup } from '../../core/supervisor';
import { readDefaultBackupKey } from '../defaultKey';
import type { BackupStore } from '../store/backupStore';

const SECRET_PREFIX = 'haBackups.backupPassword:';
/** The slugs with a remembered password (SecretStorage cannot list its keys). */
const INDEX_KEY = 'haBackups.backupPasswords';

export class BackupPasswords {
  private readonly session = new Map<string, string>();
  private changes: Promise<unknown> = Promise.resolve();
  /** Home Assistant's backup key, read at most once per connection (null: none or unreadable). */
  private defaultKey: { url: string; key: Promise<string | null> } | undefined;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly store: BackupStore,
  ) {}

  /** Passwords worth trying before asking, most likely first, without duplicates. */
  async candidates(slug: string): Promise<string[]> {
    const out: string[] = [];
    const add = (p: string | null | undefined): void => {
      if (p && !out.includes(p)) out.push(p);
    };
    add(this.session.get(slug));
    add(await this.secrets.get(SECRET_PREFIX + slug));
    add(await this.haKey());
    return out;
  }

  private haKey(): Promise<string | null> {
    const connection = this.store.connection;
    if (!connection) return Promise.resolve(null);
    if (this.defaultKey?.url !== connection.url) {
      const key = readDefaultBackupKey(connection).then(
        (r) => ('key' in r ? r.key : null),
        () => null,
      );
      this.defaultKey = { url: connection.url, key };
    }
    return this.defaultKey.key;
  }

  /** Asks the person; undefined when they cancel. */
  async ask(backup: Backup, wrongBefore: boolean): Promise<string | undefined> {
    const name = backup.name || backup.slug;
    return vscode.window.showInputBox({
      title: vscode.l10n.t('Password of "{0}"', name),
      prompt: wrongBefore
        ? vscode.l10n.t('That password does not open this backup. Try again.')
        : vscode.l10n.t('This backup is password protected. Its password is needed to look inside it.'),
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.length === 0 ? vscode.l10n.t('Enter the password.') : undefined),
    });
  }

  /** The password opened the backup: keep it for the session; offer to remember a typed one. */
  async accepted(backup: Backup, password: string, typed: boolean, remember?: boolean): Promise<void> {
    this.session.set(backup.slug, password);
    if (!typed) return;
    if (remember !== undefined) {
      if (remember) await this.remember(backup.slug, password);
      return;
    }
    const yes = vscode.l10n.t('Remember');
    void vscode.window
      .showInformationMessage(vscode.l10n.t('Remember the password of "{0}" in VS Code\'s secret storage?', backup.name || backup.slug), yes)
      .then((choice) => (choice === yes ? this.remember(backup.slug, password) : undefined));
  }

  private remember(slug: string, password: string): Promise<void> {
    return this.serially(async () => {
      await this.secrets.store(SECRET_PREFIX + slug, password);
      const index = await this.rememberedSlugs();
      if (!index.includes(slug)) await this.secrets.store(INDEX_KEY, JSON.stringify([...index, slug]));
    });
  }

  /** The index is read, changed and written back: one change at a time, or a slug could be lost. */
  private serially<T>(change: () => Promise<T>): Promise<T> {
    const next = this.changes.then(change, change);
    this.changes = next.catch(() => undefined);
    return next;
  }

  private async rememberedSlugs(): Promise<string[]> {
    try {
      const parsed: unknown = JSON.parse((await this.secrets.get(INDEX_KEY)) ?? '[]');
      return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
    } catch {
      return [];
    }
  }

  /** Forgets every password (session and stored); returns how many stored ones were removed. */
  forgetAll(): Promise<number> {
    this.session.clear();
    this.defaultKey = undefined;
    return this.serially(async () => {
      const slugs = await this.rememberedSlugs();
      for (const slug of slugs) await this.secrets.delete(SECRET_PREFIX + slug);
      await this.secrets.delete(INDEX_KEY);
      return slugs.length;
    });
  }
}

// The parts of a backup as a person sees them (Home Assistant config, each add-on, each folder) and
// how they map to inner archive names and, for the config part, to files of the config folder.
import { normalizeEntryPath } from '../archive/entries';

export type PartKind = 'homeassistant' | 'addon' | 'folder' | 'other';

export interface Part {
  /** Inner archive name without `.tar`/`.tar.gz`: `homeassistant`, `core_mosquitto`, `addons_local`. */
  id: string;
  kind: PartKind;
  /** The member name in the backup, e.g. `share.tar.gz`. */
  archive: string;
}

export interface BackupContent {
  homeassistant: boolean;
  addons: readonly string[];
  folders: readonly string[];
}

/** Inner archive id of a folder or add-on (the Supervisor writes `/` as `_`). */
export function partIdOf(name: string): string {
  return name.replace(/\//g, '_');
}

/** `share.tar.gz` → `share`. */
export function partIdOfArchive(archive: string): string {
  return archive.replace(/\.tar(\.gz)?$/, '');
}

/** The parts the Supervisor's list says a backup holds, in the order the Supervisor writes them. */
export function partsOf(content: BackupContent, compressed: boolean): Part[] {
  const ext = compressed ? '.tar.gz' : '.tar';
  const parts: Part[] = [];
  if (content.homeassistant) parts.push({ id: 'homeassistant', kind: 'homeassistant', archive: `homeassistant${ext}` });
  for (const slug of content.addons) parts.push({ id: partIdOf(slug), kind: 'addon', archive: `${partIdOf(slug)}${ext}` });
  for (const folder of content.folders) parts.push({ id: partIdOf(folder), kind: 'folder', archive: `${partIdOf(folder)}${ext}` });
  return parts;
}

/** Inside homeassistant.tar.gz, the config folder is stored under `data/`. */
const CONFIG_PREFIX = 'data/';

/**
 * The path, relative to the Home Assistant config folder, of an entry of the config part; undefined
 * for anything else (other parts, `homeassistant.json`, unsafe paths).
 */
export function configRelativePath(partId: string, entryPath: string): string | undefined {
  if (partId !== 'homeassistant') return undefined;
  const normalized = normalizeEntryPath(entryPath);
  if (!normalized.startsWith(CONFIG_PREFIX)) return undefined;
  const rel = normalized.slice(CONFIG_PREFIX.length);
  const segments = rel.split('/');
  if (rel === '' || rel.startsWith('/') || segments.some((s) => s === '..' || s === '' || s === '.')) return undefined;
  return rel;
}

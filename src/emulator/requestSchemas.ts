// The Supervisor's v1 request schemas for /backups (supervisor/api/backups.py), rebuilt with
// the voluptuous look-alike so that validation errors read exactly like the real ones.
import type { Field } from './validation';
import { all, any, atLeast, boolean, coerceInt, dictType, extendFields, intType, listOf, literal, match, maybe, oneOf, schema, str, transform, unique } from './validation';

export const ALL_FOLDERS = ['share', 'addons/local', 'ssl', 'media'] as const;
/** v1 still accepts the legacy "homeassistant" folder, meaning `homeassistant: true`. */
const ALL_FOLDERS_V1 = [...ALL_FOLDERS, 'homeassistant'];

export const LOCATION_LOCAL = '.local';
export const LOCATION_CLOUD_BACKUP = '.cloud_backup';
export const ALL_APPS_FLAG = 'ALL';

export const RE_BACKUP_FILENAME = /^[^\\/]+\.tar$/;
/** The pattern text as Python prints it in "does not match regular expression …". */
export const RE_BACKUP_FILENAME_SOURCE = '^[^\\\\\\/]+\\.tar$';

/** `.local` and `""` are aliases of null (the local backup folder). */
export function convertLocalLocation(item: unknown): unknown {
  return item === LOCATION_LOCAL || item === '' ? null : item;
}

const location = all(maybe(str), transform(convertLocalLocation));
const locationList = all(
  transform((v): unknown[] => (Array.isArray(v) ? (v as unknown[]) : [v])),
  listOf(location),
  unique,
);
const foldersV1 = all(listOf(oneOf(ALL_FOLDERS_V1)), unique);

const backupFullFields: Record<string, Field> = {
  name: { validator: str },
  filename: { validator: match(RE_BACKUP_FILENAME, RE_BACKUP_FILENAME_SOURCE) },
  password: { validator: maybe(str) },
  compressed: { validator: maybe(boolean) },
  location: { validator: locationList },
  homeassistant_exclude_database: { validator: boolean },
  background: { validator: boolean, default: () => false },
  extra: { validator: dictType },
};

export const SCHEMA_BACKUP_FULL = schema(backupFullFields);

export const SCHEMA_BACKUP_PARTIAL = schema(
  extendFields(backupFullFields, {
    addons: { validator: any(literal(ALL_APPS_FLAG), all(listOf(str), unique)) },
    folders: { validator: foldersV1 },
    homeassistant: { validator: boolean },
  }),
);

const restoreFullFields: Record<string, Field> = {
  password: { validator: maybe(str) },
  background: { validator: boolean, default: () => false },
  location: { validator: location },
};

export const SCHEMA_RESTORE_FULL = schema(restoreFullFields);

export const SCHEMA_RESTORE_PARTIAL = schema(
  extendFields(restoreFullFields, {
    homeassistant: { validator: boolean },
    addons: { validator: all(listOf(str), unique) },
    folders: { validator: foldersV1 },
  }),
);

export const SCHEMA_OPTIONS = schema({ days_until_stale: { validator: all(coerceInt, atLeast(1)) } });

export const SCHEMA_FREEZE = schema({ timeout: { validator: all(intType, atLeast(1)) } });

export const SCHEMA_REMOVE = schema({ location: { validator: locationList } });

/** Shapes of the validated bodies (what the validators above return). */
export interface BackupFullBody {
  name?: string;
  filename?: string;
  password?: string | null;
  compressed?: boolean | null;
  location?: (string | null)[];
  homeassistant_exclude_database?: boolean;
  background: boolean;
  extra?: Record<string, unknown>;
}

export interface BackupPartialBody extends BackupFullBody {
  addons?: string[] | 'ALL';
  folders?: string[];
  homeassistant?: boolean;
}

export interface RestoreFullBody {
  password?: string | null;
  background: boolean;
  location?: string | null;
}

export interface RestorePartialBody extends RestoreFullBody {
  homeassistant?: boolean;
  addons?: string[];
  folders?: string[];
}

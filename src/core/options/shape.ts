// The three ways Auto Backup's services say what goes into a backup. One request uses one of them;
// mixing them is invalid, as in the seed's `vol.Any` of shapes (SCHEMA_BACKUP in
// jcwillox/hass-auto-backup custom_components/auto_backup/__init__.py @faaddd1c).

export const SELECTION_SHAPES = {
  /** `auto_backup.backup` / `backup_full`: `include: {addons, folders}` and/or `exclude: {…}`. */
  nested: ['include', 'exclude'],
  /** `auto_backup.backup`: `include_addons`, `include_folders`, `exclude_addons`, `exclude_folders`. */
  flat: ['include_addons', 'include_folders', 'exclude_addons', 'exclude_folders'],
  /** `auto_backup.backup_partial`: top-level `addons` and `folders`, both meaning "include". */
  partial: ['addons', 'folders'],
} as const;

export type SelectionShapeName = keyof typeof SELECTION_SHAPES;

/** 'none' = no selection at all, i.e. a full backup. */
export type SelectionShape = SelectionShapeName | 'none';

type SelectionKey = (typeof SELECTION_SHAPES)[SelectionShapeName][number];
type MaybeSelection = Partial<Record<SelectionKey, unknown>>;

/** Which shape a request uses, or 'mixed' with the keys that clash. */
export function selectionShape(request: MaybeSelection): SelectionShape | 'mixed' {
  const used = usedShapes(request);
  if (used.length > 1) return 'mixed';
  return used[0]?.shape ?? 'none';
}

/** A message naming the clashing keys when shapes are mixed, else undefined. */
export function mixedShapesMessage(request: MaybeSelection): string | undefined {
  const used = usedShapes(request);
  if (used.length < 2) return undefined;
  const list = used.map(({ keys }) => keys.join('/')).join(' and ');
  return `Use one way to select content, not ${list} together: either include/exclude objects, or include_addons/include_folders/exclude_addons/exclude_folders, or addons/folders.`;
}

function usedShapes(request: MaybeSelection): { shape: SelectionShapeName; keys: SelectionKey[] }[] {
  const used: { shape: SelectionShapeName; keys: SelectionKey[] }[] = [];
  for (const shape of Object.keys(SELECTION_SHAPES) as SelectionShapeName[]) {
    const keys = SELECTION_SHAPES[shape].filter((key) => request[key] !== undefined);
    if (keys.length > 0) used.push({ shape, keys });
  }
  return used;
}

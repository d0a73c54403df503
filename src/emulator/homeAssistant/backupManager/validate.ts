// The voluptuous schemas of the backup websocket commands (home-assistant/core
// homeassistant/components/backup/websocket.py) and humanize_error's messages (invalid_format).
import { pyRepr } from '../../pyFormat';
import { ManagerError } from './errors';

type Message = Record<string, unknown>;
export type FieldType = 'str' | 'bool' | 'str_or_none' | 'str_list' | 'folder_list';

export interface Field {
  type: FieldType;
  required?: boolean;
  default?: unknown;
}

/** models.py Folder. */
const FOLDERS = ['share', 'addons/local', 'ssl', 'media'];

const invalid = (message: string): ManagerError => new ManagerError(message, { wsCode: 'invalid_format' });

function checkValue(key: string, value: unknown, type: FieldType): void {
  const at = `@ data['${key}']`;
  const got = `Got ${pyRepr(value)}`;
  switch (type) {
    case 'str':
      if (typeof value !== 'string') throw invalid(`expected str for dictionary value ${at}. ${got}`);
      return;
    case 'bool':
      if (typeof value !== 'boolean') throw invalid(`expected bool for dictionary value ${at}. ${got}`);
      return;
    case 'str_or_none':
      if (value !== null && typeof value !== 'string') throw invalid(`expected str for dictionary value ${at}. ${got}`);
      return;
    case 'str_list':
    case 'folder_list':
      if (!Array.isArray(value)) throw invalid(`expected list for dictionary value ${at}. ${got}`);
      value.forEach((item: unknown, i) => {
        if (typeof item !== 'string') throw invalid(`expected str @ data['${key}'][${i}]. Got ${pyRepr(item)}`);
        if (type === 'folder_list' && !FOLDERS.includes(item)) throw invalid(`expected Folder @ data['${key}'][${i}]. Got ${pyRepr(item)}`);
      });
      return;
  }
}

/** Validates `msg` (besides id and type) and returns it with the defaults filled in. */
export function validate(msg: Message, fields: Record<string, Field>): Message {
  const out: Message = { ...msg };
  for (const key of Object.keys(msg)) {
    if (key !== 'id' && key !== 'type' && !(key in fields)) throw invalid(`extra keys not allowed @ data['${key}']. Got ${pyRepr(msg[key])}`);
  }
  for (const [key, field] of Object.entries(fields)) {
    if (msg[key] === undefined) {
      if (field.required) throw invalid(`required key not provided @ data['${key}']. Got None`);
      if (field.default !== undefined) out[key] = field.default;
      continue;
    }
    checkValue(key, msg[key], field.type);
  }
  return out;
}

import type { FieldErrors } from '../../lib/field-errors';
import type { JsonSchema } from './meta';

/**
 * The form model behind generated resource forms: a JSON Schema (as TypeBox writes it) reduced to the
 * editors the console has, the editor state of a value, and the JSON a form sends. The server validates;
 * this only shapes input and gives hints.
 */

export type EditorKind = 'text' | 'integer' | 'number' | 'boolean' | 'enum' | 'datetime' | 'date' | 'tags' | 'object' | 'json';

export interface Shape {
  kind: EditorKind;
  /** The schema without its `null` alternative. */
  schema: JsonSchema;
  nullable: boolean;
}

/** Editor state: text for text-like editors, boolean | null, string[] for tags, nested objects, JSON text. */
export type EditorValue = string | boolean | null | string[] | { [key: string]: EditorValue };

const isNull = (s: JsonSchema) => s.type === 'null' || (Array.isArray(s.type) && s.type.length === 1 && s.type[0] === 'null');

export function shapeOf(input: JsonSchema): Shape {
  let schema = input;
  let nullable = false;
  const alternatives = input.anyOf ?? input.oneOf;
  if (alternatives) {
    const rest = alternatives.filter((s) => !isNull(s));
    nullable = rest.length < alternatives.length;
    if (rest.length !== 1) return { kind: 'json', schema: input, nullable };
    schema = { ...(rest[0] as JsonSchema), description: input.description ?? rest[0]?.description, title: input.title ?? rest[0]?.title };
  }
  if (Array.isArray(schema.type)) {
    const types = schema.type.filter((t) => t !== 'null');
    nullable ||= types.length < schema.type.length;
    if (types.length !== 1) return { kind: 'json', schema, nullable };
    schema = { ...schema, type: types[0] };
  }
  if (schema.enum) return { kind: 'enum', schema, nullable };
  switch (schema.type) {
    case 'string':
      return { kind: schema.format === 'date-time' ? 'datetime' : schema.format === 'date' ? 'date' : 'text', schema, nullable };
    case 'integer':
      return { kind: 'integer', schema, nullable };
    case 'number':
      return { kind: 'number', schema, nullable };
    case 'boolean':
      return { kind: 'boolean', schema, nullable };
    case 'array': {
      const items = schema.items ? shapeOf(schema.items) : null;
      return { kind: items && !items.nullable && (items.kind === 'text' || items.kind === 'enum') ? 'tags' : 'json', schema, nullable };
    }
    case 'object':
      return { kind: schema.properties && Object.keys(schema.properties).length > 0 ? 'object' : 'json', schema, nullable };
    default:
      return { kind: 'json', schema, nullable };
  }
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An ISO timestamp as the value of `<input type="datetime-local">` (the browser's time zone). */
export function isoToLocal(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The editor state for a value (undefined: a new record's field without default). */
export function editorValueOf(shape: Shape, value: unknown): EditorValue {
  switch (shape.kind) {
    case 'boolean':
      return value === null || value === undefined ? (shape.nullable ? null : false) : Boolean(value);
    case 'tags':
      return Array.isArray(value) ? value.map(String) : [];
    case 'object': {
      const source = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(shape.schema.properties ?? {}).map(([key, child]) => [key, editorValueOf(shapeOf(child), source[key])]));
    }
    case 'json':
      return value === undefined || value === null ? '' : JSON.stringify(value, null, 2);
    case 'datetime':
      return typeof value === 'string' ? isoToLocal(value) : '';
    default:
      return value === null || value === undefined ? '' : String(value);
  }
}

export type Mode = 'create' | 'update';
const OMIT = Symbol('omit');

/**
 * The JSON to send for an editor state. An empty text leaves the field out on create (the server's default
 * applies, or it says the field is required) and sets null (or '') on update. Text that is not a number
 * goes as typed: the server's answer then says what is wrong, on the field.
 */
export function jsonOf(shape: Shape, editor: EditorValue, mode: Mode, pointer: string, clientErrors: FieldErrors): unknown | typeof OMIT {
  const empty = () => (mode === 'create' ? OMIT : shape.nullable ? null : '');
  switch (shape.kind) {
    case 'boolean':
      return editor === null ? (mode === 'create' ? OMIT : null) : editor;
    case 'tags':
      return editor;
    case 'object': {
      const out: Record<string, unknown> = {};
      const values = (editor ?? {}) as Record<string, EditorValue>;
      for (const [key, child] of Object.entries(shape.schema.properties ?? {})) {
        const value = jsonOf(shapeOf(child), values[key] ?? null, 'create', `${pointer}/${key}`, clientErrors);
        if (value !== OMIT) out[key] = value;
      }
      return out;
    }
    case 'json': {
      const text = String(editor ?? '').trim();
      if (!text) return empty();
      try {
        return JSON.parse(text);
      } catch {
        clientErrors[pointer] = 'is not valid JSON';
        return OMIT;
      }
    }
    case 'integer':
    case 'number': {
      const text = String(editor ?? '').trim();
      if (!text) return mode === 'create' ? OMIT : shape.nullable ? null : text;
      const n = Number(text);
      return Number.isFinite(n) ? n : text;
    }
    case 'datetime': {
      const text = String(editor ?? '');
      if (!text) return empty();
      const d = new Date(text);
      return Number.isNaN(d.getTime()) ? text : d.toISOString();
    }
    default: {
      const text = String(editor ?? '');
      return text === '' ? empty() : text;
    }
  }
}

/**
 * The request body for a form: every field on create (empty ones left out), only the changed ones on
 * update. `clientErrors` receives what cannot be sent at all (malformed JSON).
 */
export function bodyOf(
  schema: JsonSchema,
  values: Record<string, EditorValue>,
  mode: Mode,
  original: Record<string, EditorValue> = {},
): { body: Record<string, unknown>; clientErrors: FieldErrors } {
  const body: Record<string, unknown> = {};
  const clientErrors: FieldErrors = {};
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    const value = values[key] ?? null;
    if (mode === 'update' && JSON.stringify(value) === JSON.stringify(original[key] ?? null)) continue;
    const json = jsonOf(shapeOf(child), value, mode, `/${key}`, clientErrors);
    if (json !== OMIT) body[key] = json;
  }
  return { body, clientErrors };
}

/** Every JSON pointer the generated form has a field for. */
export function pointersOf(schema: JsonSchema, base = ''): string[] {
  return Object.entries(schema.properties ?? {}).flatMap(([key, child]) => {
    const pointer = `${base}/${key}`;
    const shape = shapeOf(child);
    return shape.kind === 'object' ? [pointer, ...pointersOf(shape.schema, pointer)] : [pointer];
  });
}

/**
 * Server errors re-keyed to the field that shows them: an error inside a field's value (`/tags/2`, a key of
 * a JSON object) goes to that field. Parents (`/address`) already show on their children (errorFor).
 */
export function placeErrors(errors: FieldErrors, pointers: readonly string[]): FieldErrors {
  const out: FieldErrors = {};
  for (const [key, detail] of Object.entries(errors)) {
    const owner = pointers.includes(key) ? key : [...pointers].sort((a, b) => b.length - a.length).find((p) => key.startsWith(`${p}/`));
    const target = owner ?? key;
    const rest = owner && owner !== key ? key.slice(owner.length + 1) : '';
    const message = rest ? `${/^\d+$/.test(rest) ? `item ${Number(rest) + 1}` : rest}: ${detail}` : detail;
    out[target] = out[target] ? `${out[target]}; ${message}` : message;
  }
  return out;
}

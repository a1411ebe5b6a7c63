/**
 * A small structural diff of an audit entry's `before` and `after`: one row per leaf that differs (or not).
 * Objects are walked key by key (paths like `settings.signUp.enabled`); arrays and scalars are leaves,
 * compared as canonical JSON, so a reordered object is no change but a reordered array is.
 */
export type DiffKind = 'added' | 'removed' | 'changed' | 'unchanged';

export interface DiffRow {
  /** Dotted path of the key; '' for a value that is not an object (the whole before/after). */
  path: string;
  kind: DiffKind;
  before?: unknown;
  after?: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** JSON with object keys sorted, so equal values compare equal however their keys were ordered. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

function walk(before: unknown, after: unknown, path: string, rows: DiffRow[]): void {
  if (before === undefined && after === undefined) return;
  if (before === undefined) {
    if (isObject(after) && Object.keys(after).length > 0) for (const key of Object.keys(after)) walk(undefined, after[key], join(path, key), rows);
    else rows.push({ path, kind: 'added', after });
    return;
  }
  if (after === undefined) {
    if (isObject(before) && Object.keys(before).length > 0) for (const key of Object.keys(before)) walk(before[key], undefined, join(path, key), rows);
    else rows.push({ path, kind: 'removed', before });
    return;
  }
  if (isObject(before) && isObject(after)) {
    const keys = [...Object.keys(before), ...Object.keys(after).filter((k) => !(k in before))];
    for (const key of keys) walk(before[key], after[key], join(path, key), rows);
    return;
  }
  rows.push({ path, kind: canonicalJson(before) === canonicalJson(after) ? 'unchanged' : 'changed', before, after });
}

/**
 * The rows of the diff, in the order of `before`'s keys then the keys only `after` has. A null (or absent)
 * side at the top is "nothing": a creation lists every key as added, a deletion every key as removed.
 */
export function diffJson(before: unknown, after: unknown): DiffRow[] {
  const rows: DiffRow[] = [];
  walk(before ?? undefined, after ?? undefined, '', rows);
  return rows;
}

export const countChanges = (rows: DiffRow[]) => rows.filter((r) => r.kind !== 'unchanged').length;

import { type TSchema, Type } from '@sinclair/typebox';
import { badRequest } from './problem.js';

export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;

export const PageQuerySchema = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, description: `Page size (1–${MAX_PAGE_SIZE})` })),
  cursor: Type.Optional(Type.String({ maxLength: 512, description: 'Opaque cursor from a previous page’s nextCursor' })),
};

export const pageOf = <T extends TSchema>(item: T, name: string) =>
  Type.Object(
    {
      data: Type.Array(item),
      nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `cursor` for the next page; null on the last page' }),
    },
    { $id: `${name}Page`, additionalProperties: false },
  );

/** A cursor is the sort key of the last row seen: (sort field, its value, id), opaque to clients. */
export interface Cursor {
  sort: string;
  value: string | number | boolean | null;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.value, cursor.id])).toString('base64url');
}

export function decodeCursor(raw: string, expectedSort: string): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw badRequest('invalid_cursor', 'The cursor is not one this server issued.');
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    typeof parsed[0] !== 'string' ||
    typeof parsed[2] !== 'string' ||
    !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(parsed[2]) ||
    (!['string', 'number', 'boolean'].includes(typeof parsed[1]) && parsed[1] !== null)
  ) {
    throw badRequest('invalid_cursor', 'The cursor is not one this server issued.');
  }
  if (parsed[0] !== expectedSort) {
    throw badRequest('invalid_cursor', 'The cursor belongs to a different sort order; start again without a cursor.');
  }
  return { sort: parsed[0], value: parsed[1] as Cursor['value'], id: parsed[2] };
}

/**
 * Turns the `limit + 1` rows a keyset query fetched into a page: the extra row only says there is more,
 * and the cursor is made from the last row kept.
 */
export function pageFrom<T>(rows: T[], limit: number, cursorOf: (last: T) => string): { data: T[]; nextCursor: string | null } {
  const more = rows.length > limit;
  const data = more ? rows.slice(0, limit) : rows;
  const last = data[data.length - 1];
  return { data, nextCursor: more && last !== undefined ? cursorOf(last) : null };
}

/** The cursor of the default newest-first order (`-id`). */
export const idCursor = (row: { id: string }) => encodeCursor({ sort: '-id', value: row.id, id: row.id });

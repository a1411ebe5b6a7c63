import { type TSchema, Type } from '@sinclair/typebox';
import type { PgColumn } from 'drizzle-orm/pg-core';

export const DEFAULT_TEXT_MAX_LENGTH = 10_000;

export type FieldKind = 'uuid' | 'string' | 'enum' | 'integer' | 'number' | 'boolean' | 'datetime' | 'json';

export function fieldKind(column: PgColumn): FieldKind {
  if (column.enumValues && column.enumValues.length > 0) return 'enum';
  if (column.getSQLType().startsWith('timestamp')) return 'datetime';
  switch (column.columnType) {
    case 'PgUUID':
      return 'uuid';
    case 'PgText':
    case 'PgVarchar':
    case 'PgChar':
      return 'string';
    case 'PgInteger':
    case 'PgSmallInt':
    case 'PgBigInt53':
    case 'PgSerial':
      return 'integer';
    case 'PgReal':
    case 'PgDoublePrecision':
      return 'number';
    case 'PgBoolean':
      return 'boolean';
    case 'PgTimestampString':
    case 'PgTimestamp':
      return 'datetime';
    case 'PgJsonb':
    case 'PgJson':
      return 'json';
    default:
      throw new Error(`column ${column.name}: type ${column.columnType} is not supported by defineResource yet`);
  }
}

/** The JSON Schema of one column's value (without nullability). */
export function valueSchema(column: PgColumn): TSchema {
  switch (fieldKind(column)) {
    case 'uuid':
      return Type.String({ format: 'uuid' });
    case 'enum':
      return Type.Unsafe<string>({ type: 'string', enum: [...(column.enumValues ?? [])] });
    case 'string': {
      const length = (column as PgColumn & { length?: number }).length;
      return Type.String({ maxLength: length ?? DEFAULT_TEXT_MAX_LENGTH });
    }
    case 'integer':
      return column.columnType === 'PgInteger' || column.columnType === 'PgSerial'
        ? Type.Integer({ minimum: -2147483648, maximum: 2147483647 })
        : column.columnType === 'PgSmallInt'
          ? Type.Integer({ minimum: -32768, maximum: 32767 })
          : Type.Integer({ minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER });
    case 'number':
      return Type.Number();
    case 'boolean':
      return Type.Boolean();
    case 'datetime':
      return Type.String({ format: 'date-time' });
    case 'json':
      return Type.Record(Type.String(), Type.Unknown());
  }
}

export function nullable(schema: TSchema, column: PgColumn): TSchema {
  return column.notNull ? schema : Type.Union([schema, Type.Null()]);
}

/** Query-string form of a filterable column (text in, coerced to the column's type). */
export function filterSchema(column: PgColumn): TSchema {
  const kind = fieldKind(column);
  if (kind === 'json' || kind === 'datetime') throw new Error(`column ${column.name}: ${kind} columns cannot be equality filters`);
  return kind === 'string' ? Type.String({ maxLength: 1000 }) : valueSchema(column);
}

import { type TObject, type TSchema, Type } from '@sinclair/typebox';
import { getTableColumns, is, SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { PageQuerySchema, pageOf } from '../http/pagination.js';
import type { PermissionDefinition } from '../module.js';
import { fieldKind, filterSchema, nullable, valueSchema } from './column-schema.js';

type ColumnKey<T extends PgTable> = Extract<keyof T['_']['columns'], string>;

export interface ResourceOptions<T extends PgTable> {
  /** Singular machine name, e.g. `domain`. Audit actions are `<name>.created` etc. */
  name: string;
  /** URL segment and permission prefix, e.g. `domains` → /v1/sites/{siteId}/domains, `domains.read`. */
  plural: string;
  label: string;
  pluralLabel: string;
  description?: string;
  /** A tenant table made with `tenantTable(...)`. */
  table: T;
  /** Fields a client may set on create. */
  writable: readonly ColumnKey<T>[];
  /** Writable fields that cannot change after create. */
  immutable?: readonly ColumnKey<T>[];
  /** Equality filters offered on the list (query parameters of the same name). */
  filters?: readonly ColumnKey<T>[];
  /** Fields the list can sort by (`sort=field` or `sort=-field`); `id` (creation order) is always offered. */
  sortable?: readonly ColumnKey<T>[];
  /** Text fields matched by `q` (case-insensitive substring). */
  search?: readonly ColumnKey<T>[];
  /** Columns the console shows in the list, in order. */
  listColumns?: readonly ColumnKey<T>[];
  /** Tighter schemas for particular fields (patterns, lengths, ranges). */
  fieldSchemas?: Partial<Record<ColumnKey<T>, TSchema>>;
  /**
   * The column holding the owning user's id (e.g. `createdBy`). Its permissions may then be granted with
   * condition 'own': such callers see and change only their rows, and what they create is theirs.
   */
  ownerColumn?: ColumnKey<T>;
  /** Normalises written values before they reach the database (e.g. lower-case a domain name). */
  normalize?: (values: Record<string, unknown>) => Record<string, unknown>;
  /** Called after a committed change (e.g. to update a cache). */
  afterCommit?: (change: ResourceChange) => void;
  /** How the console's generic screens present the resource (all optional; sensible defaults). */
  ui?: ResourceUi<ColumnKey<T>>;
}

export interface ResourceUi<Key extends string = string> {
  /** The field that names a record (detail heading, breadcrumbs, delete confirmation). Default: the first text field. */
  titleField?: Key;
  /** Sidebar group heading. Default: the module's name, capitalised. */
  group?: string;
  /** Field labels. Default: from the key (`domainName` → "Domain name", `isActive` → "Active"). */
  labels?: Partial<Record<Key, string>>;
}

/** A committed change to one record: its new state, or null when it was deleted. */
export interface ResourceChange {
  kind: 'created' | 'updated' | 'deleted';
  id: string;
  row: Record<string, unknown> | null;
}

export interface FieldMeta {
  name: string;
  label: string;
  description?: string;
  kind: ReturnType<typeof fieldKind>;
  nullable: boolean;
  writable: boolean;
  immutable: boolean;
  required: boolean;
  enum?: readonly string[];
  /** The value the database gives it when a create leaves it out (constant defaults only). */
  default?: unknown;
}

export interface FilterMeta {
  name: string;
  label: string;
  kind: FieldMeta['kind'];
  /** `eq`: `?<name>=<value>`, the only operator today. */
  operators: Array<'eq'>;
  enum?: readonly string[];
}

export interface ResourceMeta {
  name: string;
  plural: string;
  label: string;
  pluralLabel: string;
  description: string | null;
  module: string | null;
  /** 'site': the path is under /v1/sites/{siteId}. */
  scope: 'site';
  path: string;
  permissions: { read: string; create: string; update: string; delete: string };
  /** The field holding the owner's user id, when permissions may be granted on own records only. */
  ownerField: string | null;
  /** PATCH and DELETE accept `If-Match` with the ETag of GET (412 when the record changed since). */
  ifMatch: boolean;
  titleField: string;
  group: string;
  fields: FieldMeta[];
  listColumns: string[];
  filters: FilterMeta[];
  sortable: string[];
  defaultSort: string;
  searchable: boolean;
  /** The fields `q` searches (empty when not searchable). */
  searchFields: string[];
  schema: TSchema;
  createSchema: TSchema;
  updateSchema: TSchema;
}

export interface ResourceDefinition {
  options: ResourceOptions<PgTable>;
  columns: Record<string, PgColumn>;
  permissions: ResourceMeta['permissions'];
  permissionDefinitions: PermissionDefinition[];
  schemas: { item: TObject; create: TObject; update: TObject; listQuery: TObject; page: TObject };
  sortable: string[];
  /** Module name, set when the module is registered. */
  module: string | null;
  meta(): ResourceMeta;
}

const SYSTEM_FIELDS = new Set(['id', 'siteId', 'createdAt', 'updatedAt']);

export function defineResource<T extends PgTable>(options: ResourceOptions<T>): ResourceDefinition {
  const columns = getTableColumns(options.table) as unknown as Record<string, PgColumn>;
  if (!columns.siteId || !columns.id) throw new Error(`resource ${options.name}: the table must be a tenantTable`);
  const writable = new Set<string>(options.writable);
  const immutable = new Set<string>(options.immutable ?? []);
  for (const field of [...writable, ...(options.filters ?? []), ...(options.sortable ?? []), ...(options.search ?? [])]) {
    if (!columns[field]) throw new Error(`resource ${options.name}: no column ${field}`);
    if (writable.has(field) && SYSTEM_FIELDS.has(field)) throw new Error(`resource ${options.name}: ${field} is managed by the kernel`);
  }
  if (options.ownerColumn !== undefined && !columns[options.ownerColumn]) throw new Error(`resource ${options.name}: no owner column ${options.ownerColumn}`);
  const ui = (options.ui ?? {}) as ResourceUi;
  for (const field of [...(options.listColumns ?? []), ...(ui.titleField ? [ui.titleField] : []), ...Object.keys(ui.labels ?? {})]) {
    if (!columns[field]) throw new Error(`resource ${options.name}: no column ${field}`);
  }
  const sortable = ['id', ...(options.sortable ?? []).filter((f) => f !== 'id')];
  for (const field of sortable) {
    if (!columns[field]?.notNull) throw new Error(`resource ${options.name}: sort field ${field} must be NOT NULL for stable cursors`);
  }
  const fieldSchema = (key: string, column: PgColumn) => (options.fieldSchemas as Record<string, TSchema> | undefined)?.[key] ?? valueSchema(column);

  const itemProps: Record<string, TSchema> = {};
  const createProps: Record<string, TSchema> = {};
  const updateProps: Record<string, TSchema> = {};
  const required: string[] = [];
  for (const [key, column] of Object.entries(columns)) {
    itemProps[key] = nullable(SYSTEM_FIELDS.has(key) ? valueSchema(column) : fieldSchema(key, column), column);
    if (!writable.has(key)) continue;
    const schema = nullable(fieldSchema(key, column), column);
    const isRequired = column.notNull && !column.hasDefault;
    createProps[key] = isRequired ? schema : Type.Optional(schema);
    if (isRequired) required.push(key);
    if (!immutable.has(key)) updateProps[key] = Type.Optional(schema);
  }
  const title = options.label.replace(/\s+/g, '');
  const item = Type.Object(itemProps, { $id: title, additionalProperties: false, description: options.description });
  const create = Type.Object(createProps, { $id: `${title}Create`, additionalProperties: false });
  const update = Type.Object(updateProps, { $id: `${title}Update`, additionalProperties: false, minProperties: 1 });

  const listQueryProps: Record<string, TSchema> = {
    ...PageQuerySchema,
    sort: Type.Optional(
      Type.Unsafe<string>({ type: 'string', enum: sortable.flatMap((f) => [f, `-${f}`]), default: '-id', description: 'Sort field; prefix - for descending' }),
    ),
  };
  if (options.search?.length)
    listQueryProps.q = Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: `Search in ${options.search.join(', ')}` }));
  for (const field of options.filters ?? []) listQueryProps[field] = Type.Optional(filterSchema(columns[field] as PgColumn));
  const listQuery = Type.Object(listQueryProps, { additionalProperties: false });

  const permissions = {
    read: `${options.plural}.read`,
    create: `${options.plural}.create`,
    update: `${options.plural}.update`,
    delete: `${options.plural}.delete`,
  };
  const ownable = options.ownerColumn !== undefined;
  const definition: ResourceDefinition = {
    options: options as unknown as ResourceOptions<PgTable>,
    columns,
    permissions,
    permissionDefinitions: [
      { key: permissions.read, description: `Read ${options.pluralLabel.toLowerCase()}`, ownable },
      { key: permissions.create, description: `Create ${options.pluralLabel.toLowerCase()}`, ownable },
      { key: permissions.update, description: `Edit ${options.pluralLabel.toLowerCase()}`, ownable },
      { key: permissions.delete, description: `Delete ${options.pluralLabel.toLowerCase()}`, ownable },
    ],
    schemas: { item, create, update, listQuery, page: pageOf(Type.Ref(item), title) },
    sortable,
    module: null,
    meta() {
      const labelOf = (key: string) => (ui.labels as Record<string, string> | undefined)?.[key] ?? fieldLabel(key, columns[key] as PgColumn);
      const fields: FieldMeta[] = Object.entries(columns).map(([key, column]) => {
        const description = (itemProps[key] as TSchema).description ?? (fieldSchema(key, column) as TSchema).description;
        const constantDefault = column.hasDefault && column.default !== undefined && !isSql(column.default) ? { default: column.default } : {};
        return {
          name: key,
          label: labelOf(key),
          ...(description ? { description } : {}),
          kind: fieldKind(column),
          nullable: !column.notNull,
          writable: writable.has(key),
          immutable: immutable.has(key),
          required: required.includes(key),
          ...(column.enumValues?.length ? { enum: column.enumValues } : {}),
          ...constantDefault,
        };
      });
      const defaultColumns = Object.keys(columns)
        .filter((k) => k !== 'siteId' && fieldKind(columns[k] as PgColumn) !== 'json')
        .slice(0, 6);
      const listColumns = [...(options.listColumns ?? defaultColumns)];
      const titleField =
        ui.titleField ?? [...listColumns, ...Object.keys(columns)].find((k) => !SYSTEM_FIELDS.has(k) && fieldKind(columns[k] as PgColumn) === 'string') ?? 'id';
      return {
        name: options.name,
        plural: options.plural,
        label: options.label,
        pluralLabel: options.pluralLabel,
        description: options.description ?? null,
        module: definition.module,
        scope: 'site',
        path: `/v1/sites/{siteId}/${options.plural}`,
        permissions,
        ownerField: options.ownerColumn ?? null,
        ifMatch: true,
        titleField,
        group: ui.group ?? capitalise(definition.module ?? 'resources'),
        fields,
        listColumns,
        filters: (options.filters ?? []).map((name) => {
          const column = columns[name] as PgColumn;
          return { name, label: labelOf(name), kind: fieldKind(column), operators: ['eq'], ...(column.enumValues?.length ? { enum: column.enumValues } : {}) };
        }),
        sortable,
        defaultSort: '-id',
        searchable: Boolean(options.search?.length),
        searchFields: [...(options.search ?? [])],
        schema: item,
        createSchema: create,
        updateSchema: update,
      };
    },
  };
  return definition;
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const ACRONYMS = new Set(['id', 'url', 'uri', 'ip', 'api', 'sso', 'html', 'json', 'seo']);

/** `domainName` → "Domain name", `siteId` → "Site ID", a boolean `isActive` → "Active". */
export function fieldLabel(key: string, column?: PgColumn): string {
  const words = key
    .replace(/_/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
  if (column && fieldKind(column) === 'boolean' && words.length > 1 && words[0] === 'is') words.shift();
  return capitalise(words.map((w) => (ACRONYMS.has(w) ? w.toUpperCase() : w)).join(' '));
}

function isSql(value: unknown): boolean {
  return typeof value === 'object' && value !== null && is(value, SQL);
}

import { queryOptions, useQuery } from '@tanstack/react-query';
import type { NavEntry, NavQuery } from '../../app/module';
import { request } from '../../lib/api';

/** A JSON Schema as TypeBox writes it (only what the generic screens read). */
export interface JsonSchema {
  type?: string | string[];
  format?: string;
  enum?: readonly unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  patternProperties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  required?: string[];
  items?: JsonSchema;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  title?: string;
  description?: string;
  default?: unknown;
}

export type FieldKind = 'uuid' | 'string' | 'enum' | 'integer' | 'number' | 'boolean' | 'datetime' | 'json';

export interface FieldMeta {
  name: string;
  /** Absent from servers older than the label metadata: the console derives one. */
  label?: string;
  description?: string;
  kind: FieldKind;
  nullable: boolean;
  writable: boolean;
  immutable: boolean;
  required: boolean;
  enum?: readonly string[];
  default?: unknown;
}

export interface FilterMeta {
  name: string;
  label?: string;
  kind: FieldKind;
  operators?: string[];
  enum?: readonly string[];
}

/** One entry of GET /v1/meta/resources (see docs/http-api.md, "Resource metadata"). */
export interface ResourceMeta {
  name: string;
  plural: string;
  label: string;
  pluralLabel: string;
  description: string | null;
  module: string | null;
  scope?: 'site';
  path: string;
  permissions: { read: string; create: string; update: string; delete: string };
  ownerField?: string | null;
  ifMatch?: boolean;
  titleField?: string;
  group?: string;
  fields: FieldMeta[];
  listColumns: string[];
  filters: FilterMeta[];
  sortable: string[];
  defaultSort: string;
  searchable: boolean;
  searchFields?: string[];
  schema: JsonSchema;
  createSchema: JsonSchema;
  updateSchema: JsonSchema;
}

/** Same key as the overview's counts: one fetch serves both. Public and the same for everyone. */
export const resourceMetaQuery = queryOptions({
  queryKey: ['meta', 'resources'],
  queryFn: () => request<{ data: ResourceMeta[] }>('GET', '/v1/meta/resources'),
  staleTime: 300_000,
});

/** One sidebar entry per resource, under its group, shown to those who may read it. */
export const resourceNavQuery: NavQuery = {
  queryKey: ['nav', 'resources'],
  staleTime: 300_000,
  queryFn: async ({ client }): Promise<NavEntry[]> =>
    (await client.fetchQuery(resourceMetaQuery)).data.map((resource) => ({
      label: resource.pluralLabel,
      to: `r/${resource.plural}`,
      scope: 'site',
      permission: resource.permissions.read,
      group: groupOf(resource),
    })),
};

export function groupOf(resource: ResourceMeta): string {
  const group = resource.group ?? resource.module ?? 'Resources';
  return group.charAt(0).toUpperCase() + group.slice(1);
}

/** The resource named by the URL segment (`domains`), or an error when no such resource exists. */
export function useResourceMeta(plural: string) {
  const query = useQuery(resourceMetaQuery);
  const resource = query.data?.data.find((r) => r.plural === plural);
  const missing = query.isSuccess && !resource ? new Error(`There is no resource “${plural}”. Pick a section from the sidebar.`) : null;
  return { resource, isLoading: query.isLoading, error: query.error ?? missing, refetch: () => void query.refetch() };
}

const ACRONYMS = new Set(['id', 'url', 'uri', 'ip', 'api', 'sso', 'html', 'json', 'seo']);

/** The server's label, or one made from the key (`domainName` → "Domain name"). */
export function labelOf(resource: ResourceMeta, name: string): string {
  const field = resource.fields.find((f) => f.name === name);
  if (field?.label) return field.label;
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_]+/)
    .map((w) => w.toLowerCase());
  const text = words.map((w) => (ACRONYMS.has(w) ? w.toUpperCase() : w)).join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function fieldOf(resource: ResourceMeta, name: string): FieldMeta | undefined {
  return resource.fields.find((f) => f.name === name);
}

/** The field that names a record; `id` when the resource has no text field. */
export function titleFieldOf(resource: ResourceMeta): string {
  return resource.titleField ?? resource.fields.find((f) => f.kind === 'string' && f.writable)?.name ?? 'id';
}

export function titleOf(resource: ResourceMeta, row: Record<string, unknown>): string {
  const value = row[titleFieldOf(resource)];
  return value === null || value === undefined || value === '' ? `${resource.label} ${String(row.id ?? '')}` : String(value);
}

/** `/v1/sites/<siteId>/domains`, from the resource's path template. */
export function collectionPath(resource: ResourceMeta, siteId: string): string {
  return resource.path.replace('{siteId}', encodeURIComponent(siteId));
}

export function recordPath(resource: ResourceMeta, siteId: string, id: string): string {
  return `${collectionPath(resource, siteId)}/${encodeURIComponent(id)}`;
}

/** Query keys start with the resource and the site: invalidating `['resource', plural, siteId]` refreshes lists and records. */
export const recordQueryKey = (resource: ResourceMeta, siteId: string, id: string) => ['resource', resource.plural, siteId, 'record', id];

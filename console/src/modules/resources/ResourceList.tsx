import { Link } from '@tanstack/react-router';
import { useEffect, useMemo, useRef, useState } from 'react';
import { siteRoute } from '../../app/routes';
import { usePermissions } from '../../app/session';
import { type Column, DataTable } from '../../components/DataTable';
import { EmptyState, ErrorState, Loading } from '../../components/States';
import { useCursorList } from '../../lib/use-cursor-list';
import { FilterBar } from './FilterBar';
import { collectionPath, labelOf, type ResourceMeta, titleFieldOf, useResourceMeta } from './meta';
import { listRecords, type Row } from './record-api';
import { type ListSearch, resourceListRoute } from './routes';
import { FieldValue } from './values';
import './resources.css';

const PAGE_SIZE = 50;

/** `/sites/$siteId/r/$resource`: the list of any resource, with sort, filters, search, columns and "load more". */
export default function ResourceList() {
  const { resource: plural } = resourceListRoute.useParams();
  const meta = useResourceMeta(plural);
  if (meta.isLoading) return <Loading />;
  if (!meta.resource) return <ErrorState error={meta.error} onRetry={meta.refetch} />;
  return <ResourceListScreen key={plural} resource={meta.resource} />;
}

function ResourceListScreen({ resource }: { resource: ResourceMeta }) {
  const { site } = siteRoute.useRouteContext();
  const search: ListSearch = resourceListRoute.useSearch();
  const navigate = resourceListRoute.useNavigate();
  const permissions = usePermissions(site.id);
  const setSearch = (next: ListSearch) => void navigate({ search: next, replace: true });
  const filters = search.filters ?? {};
  const base = `/sites/${site.id}/r/${resource.plural}`;

  const list = useCursorList(['resource', resource.plural, site.id, 'list', search.sort ?? null, search.q ?? null, filters], (cursor) => {
    const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (search.sort) query.set('sort', search.sort);
    if (search.q && resource.searchable) query.set('q', search.q);
    for (const [name, value] of Object.entries(filters)) if (resource.filters.some((f) => f.name === name)) query.set(name, value);
    if (cursor) query.set('cursor', cursor);
    return listRecords(collectionPath(resource, site.id), query);
  });

  const columns = useMemo<Column<Row>[]>(() => {
    const titleField = titleFieldOf(resource);
    const shown = resource.listColumns;
    const rest = resource.fields.map((f) => f.name).filter((name) => !shown.includes(name) && name !== 'siteId');
    return [...shown, ...rest].map((name) => {
      const field = resource.fields.find((f) => f.name === name);
      return {
        id: name,
        header: labelOf(resource, name),
        sortable: resource.sortable.includes(name),
        hiddenByDefault: !shown.includes(name),
        cell: (row: Row) =>
          name === titleField ? (
            <Link to={`${base}/${String(row.id)}`} className="row-title" onClick={(e) => e.stopPropagation()}>
              <FieldValue field={field} value={row[name]} />
            </Link>
          ) : (
            <FieldValue field={field} value={row[name]} />
          ),
      };
    });
  }, [resource, base]);

  const canCreate = permissions.can(resource.permissions.create);
  const filtered = Boolean(search.q) || Object.keys(filters).length > 0;
  const createButton = canCreate ? (
    <Link to={`${base}/new`} className="button button-primary">
      New {resource.label.toLowerCase()}
    </Link>
  ) : null;

  return (
    <div className="page">
      <header className="page-header page-header-actions">
        <div>
          <h1>{resource.pluralLabel}</h1>
          {resource.description ? <p className="muted">{resource.description}</p> : null}
        </div>
        {createButton}
      </header>
      <DataTable
        label={resource.pluralLabel}
        storageKey={`resource.${resource.name}`}
        columns={columns}
        rows={list.rows}
        rowId={(row) => String(row.id)}
        isLoading={list.isLoading}
        error={list.error}
        onRetry={list.refetch}
        sort={search.sort}
        onSortChange={(sort) => setSearch({ ...search, sort })}
        hasMore={list.hasMore}
        onLoadMore={list.loadMore}
        loadingMore={list.loadingMore}
        onRowClick={(row) => void navigate({ to: `${base}/${String(row.id)}` } as never)}
        toolbar={
          <>
            {resource.searchable ? (
              <SearchBox
                value={search.q ?? ''}
                onSearch={(q) => setSearch({ ...search, q: q || undefined })}
                label={`Search ${(resource.searchFields ?? []).map((f) => labelOf(resource, f).toLowerCase()).join(', ') || resource.pluralLabel.toLowerCase()}`}
              />
            ) : null}
            <FilterBar
              resource={resource}
              filters={filters}
              onChange={(next) => setSearch({ ...search, filters: Object.keys(next).length ? next : undefined })}
            />
          </>
        }
        empty={
          filtered ? (
            <EmptyState
              title={`No ${resource.pluralLabel.toLowerCase()} match`}
              action={
                <button type="button" className="button" onClick={() => setSearch({ sort: search.sort })}>
                  Clear search and filters
                </button>
              }
            />
          ) : (
            <EmptyState title={`No ${resource.pluralLabel.toLowerCase()} yet`} action={createButton}>
              {canCreate ? `Create the first ${resource.label.toLowerCase()} of ${site.name}.` : `${site.name} has none.`}
            </EmptyState>
          )
        }
      />
    </div>
  );
}

/** Searches 300 ms after the last key (or at once on Enter). */
function SearchBox({ value, onSearch, label }: { value: string; onSearch: (q: string) => void; label: string }) {
  const [draft, setDraft] = useState(value);
  const search = useRef(onSearch);
  search.current = onSearch;
  useEffect(() => setDraft(value), [value]);
  useEffect(() => {
    if (draft.trim() === value) return;
    const timer = setTimeout(() => search.current(draft.trim()), 300);
    return () => clearTimeout(timer);
  }, [draft, value]);
  return (
    <input
      type="search"
      className="input search-input"
      placeholder={`${label}…`}
      aria-label={label}
      maxLength={200}
      value={draft}
      onChange={(e) => setDraft(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') onSearch(draft.trim());
      }}
    />
  );
}

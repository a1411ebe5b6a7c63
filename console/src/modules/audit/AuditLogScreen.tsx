import { useMemo } from 'react';
import { type Column, DataTable } from '../../components/DataTable';
import { EmptyState } from '../../components/States';
import { toast } from '../../components/Toasts';
import { formatDateTime, formatRelative } from '../../lib/format';
import { useCursorList } from '../../lib/use-cursor-list';
import { Actor } from './Actor';
import { AuditEntryDrawer } from './AuditEntry';
import { AuditFilters } from './AuditFilters';
import { type AuditChain, type AuditLog, type AuditSearch, auditKey, exportUrl, listAuditPage } from './audit-api';
import { ChainStatus } from './ChainStatus';
import './audit.css';

const columns: Column<AuditLog>[] = [
  {
    id: 'createdAt',
    header: 'When',
    width: '11rem',
    cell: (row) => (
      <time dateTime={row.createdAt} title={formatDateTime(row.createdAt)}>
        {formatRelative(row.createdAt)}
      </time>
    ),
  },
  { id: 'action', header: 'Action', cell: (row) => <code className="audit-action">{row.action}</code> },
  { id: 'actor', header: 'Actor', cell: (row) => <Actor userId={row.actorUserId} apiKeyId={row.actorApiKeyId} /> },
  {
    id: 'target',
    header: 'Target',
    cell: (row) =>
      row.targetType ? (
        <span title={row.targetId ?? undefined}>
          {row.targetType} <code className="muted">{row.targetId && row.targetId.length > 12 ? `${row.targetId.slice(0, 8)}…` : row.targetId}</code>
        </span>
      ) : (
        <span className="muted">—</span>
      ),
  },
  {
    id: 'success',
    header: 'Result',
    width: '7rem',
    cell: (row) => (row.success ? <span className="pill pill-success">ok</span> : <span className="pill pill-danger">failed</span>),
  },
  { id: 'seq', header: '#', width: '5rem', hiddenByDefault: true, cell: (row) => <span className="muted">{row.seq}</span> },
  { id: 'category', header: 'Category', hiddenByDefault: true, cell: (row) => row.category },
  { id: 'description', header: 'Description', hiddenByDefault: true, cell: (row) => row.description ?? '' },
  { id: 'ip', header: 'IP address', hiddenByDefault: true, cell: (row) => row.ip ?? '' },
  { id: 'requestId', header: 'Request id', hiddenByDefault: true, cell: (row) => (row.requestId ? <code>{row.requestId}</code> : '') },
];

/** Exact actions seen, and their `prefix.*` forms, for the action field's suggestions. */
function actionSuggestions(rows: AuditLog[]): string[] {
  const actions = new Set<string>();
  for (const row of rows) {
    actions.add(row.action);
    const dot = row.action.indexOf('.');
    if (dot > 0) actions.add(`${row.action.slice(0, dot)}.*`);
  }
  return [...actions].sort();
}

/**
 * An audit trail (a site's, or the platform's): filters in the URL, the entries newest first, an entry's
 * details with its before/after diff in a drawer, chain verification on demand, and CSV/NDJSON export of
 * exactly what the filters select.
 */
export function AuditLogScreen({
  chain,
  title,
  subtitle,
  search,
  onSearch,
  can,
}: {
  chain: AuditChain;
  title: string;
  subtitle: string;
  search: AuditSearch;
  onSearch: (next: AuditSearch, options?: { replace?: boolean }) => void;
  can: { export: boolean; verify: boolean };
}) {
  const { entry, ...filters } = search;
  const filterKey = JSON.stringify(filters);
  // biome-ignore lint/correctness/useExhaustiveDependencies: filterKey stands for `filters` (a new object every render)
  const stableFilters = useMemo(() => filters, [filterKey]);
  const list = useCursorList([...auditKey(chain), 'list', stableFilters], (cursor) => listAuditPage(chain, stableFilters, cursor));
  const suggestions = useMemo(() => actionSuggestions(list.rows), [list.rows]);
  const filtered = Object.keys(filters).length > 0;

  const exportLink = (format: 'csv' | 'ndjson', label: string) =>
    can.export ? (
      <a
        className="button button-small"
        href={exportUrl(chain, format, stableFilters)}
        download
        onClick={() =>
          toast({
            title: `Downloading ${label}`,
            description: filtered
              ? 'With the current filters. The export is recorded in the audit log.'
              : 'The whole trail. The export is recorded in the audit log.',
          })
        }
      >
        Export {label}
      </a>
    ) : (
      <button type="button" className="button button-small" disabled title="You lack the permission audit.export">
        Export {label}
      </button>
    );

  return (
    <div className="page page-wide">
      <header className="page-header audit-header">
        <div>
          <h1>{title}</h1>
          <p className="muted">{subtitle}</p>
        </div>
        <ChainStatus chain={chain} canVerify={can.verify} onOpenEntry={(id) => onSearch({ ...search, entry: id })} />
      </header>
      <AuditFilters search={filters} actions={suggestions} onApply={(next) => onSearch(next)} />
      <DataTable
        label="Audit log"
        storageKey="audit-logs"
        columns={columns}
        rows={list.rows}
        rowId={(row) => row.id}
        isLoading={list.isLoading}
        error={list.error}
        onRetry={list.refetch}
        hasMore={list.hasMore}
        onLoadMore={list.loadMore}
        loadingMore={list.loadingMore}
        onRowClick={(row) => onSearch({ ...search, entry: row.id }, { replace: false })}
        toolbar={
          <div className="audit-export">
            {exportLink('csv', 'CSV')}
            {exportLink('ndjson', 'NDJSON')}
          </div>
        }
        empty={
          filtered ? (
            <EmptyState
              title="No entries match these filters"
              action={
                <button type="button" className="button" onClick={() => onSearch({})}>
                  Clear filters
                </button>
              }
            />
          ) : (
            <EmptyState title="No entries yet">Every privileged change made here will be recorded.</EmptyState>
          )
        }
      />
      <AuditEntryDrawer
        chain={chain}
        entryId={entry}
        known={list.rows.find((r) => r.id === entry)}
        onClose={() => onSearch(filters)}
        onFilter={(filter) => onSearch(filter)}
      />
    </div>
  );
}

import * as DropdownMenu from '@radix-ui/react-dropdown-menu';
import {
  type ColumnDef,
  columnVisibilityFeature,
  type RowData,
  tableFeatures,
  useTable,
  type ColumnVisibilityState as VisibilityState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import { EmptyState, ErrorState, Loading } from './States';

/** Past this many rows the body is virtualised: only the rows in view are in the DOM. */
export const VIRTUALIZE_AFTER = 100;
const ROW_HEIGHT = 41;

export interface Column<Row> {
  /** Unique; also the server's sort field when `sortable`. */
  id: string;
  header: string;
  cell: (row: Row) => ReactNode;
  /** The list endpoint accepts `?sort=<id>` / `?sort=-<id>`. */
  sortable?: boolean;
  /** Hidden until chosen in the column menu. */
  hiddenByDefault?: boolean;
  /** CSS width, e.g. '12rem'. */
  width?: string;
}

export interface DataTableProps<Row> {
  /** Accessible name of the table. */
  label: string;
  columns: Column<Row>[];
  rows: Row[];
  rowId: (row: Row) => string;
  isLoading?: boolean;
  error?: unknown;
  onRetry?: () => void;
  /** Server sort: `field` or `-field`. */
  sort?: string;
  onSortChange?: (sort: string | undefined) => void;
  /** Cursor pagination: more rows exist on the server. */
  hasMore?: boolean;
  onLoadMore?: () => void;
  loadingMore?: boolean;
  /** Virtualised lists: load the next page by themselves when the last rows scroll into view (long lists, e.g. users). */
  autoLoadMore?: boolean;
  onRowClick?: (row: Row) => void;
  empty?: ReactNode;
  /** Remembers the chosen columns under this key (localStorage). */
  storageKey?: string;
  toolbar?: ReactNode;
}

const features = tableFeatures({ columnVisibilityFeature });

function initialVisibility<Row>(columns: Column<Row>[], storageKey?: string): VisibilityState {
  const defaults = Object.fromEntries(columns.map((c) => [c.id, !c.hiddenByDefault]));
  if (!storageKey) return defaults;
  try {
    return { ...defaults, ...(JSON.parse(localStorage.getItem(`admiral.columns.${storageKey}`) ?? '{}') as VisibilityState) };
  } catch {
    return defaults;
  }
}

/**
 * The console's list table: server sort, cursor "load more", column choice, keyboard-reachable rows, and
 * a virtualised body once it holds more than 100 rows. Pair with `useCursorList` for the data.
 */
export function DataTable<Row extends RowData>(props: DataTableProps<Row>) {
  const { columns, rows, storageKey } = props;
  const [visibility, setVisibility] = useState<VisibilityState>(() => initialVisibility(columns, storageKey));
  const defs = useMemo<ColumnDef<typeof features, Row>[]>(
    () => columns.map((c) => ({ id: c.id, header: c.header, accessorFn: (row: Row) => row, cell: (info) => c.cell(info.row.original) })),
    [columns],
  );
  const table = useTable({
    features,
    columns: defs,
    data: rows,
    getRowId: (row) => props.rowId(row),
    state: { columnVisibility: visibility },
    onColumnVisibilityChange: (updater) => {
      setVisibility((old: VisibilityState) => {
        const next = typeof updater === 'function' ? updater(old) : updater;
        if (storageKey) localStorage.setItem(`admiral.columns.${storageKey}`, JSON.stringify(next));
        return next;
      });
    },
  });
  const byId = useMemo(() => new Map(columns.map((c) => [c.id, c])), [columns]);
  const tableRows = table.getRowModel().rows;
  const virtual = tableRows.length > VIRTUALIZE_AFTER;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: tableRows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    enabled: virtual,
  });
  const visibleColumns = table.getVisibleLeafColumns();

  const sortState = (id: string): 'ascending' | 'descending' | 'none' => (props.sort === id ? 'ascending' : props.sort === `-${id}` ? 'descending' : 'none');
  const toggleSort = (id: string) => {
    const state = sortState(id);
    props.onSortChange?.(state === 'none' ? id : state === 'ascending' ? `-${id}` : undefined);
  };

  const items = virtual ? virtualizer.getVirtualItems() : null;
  const lastShown = items?.[items.length - 1]?.index ?? -1;
  const { autoLoadMore, hasMore, loadingMore, onLoadMore } = props;
  // Once per row count: asking again while a page is on its way would restart the request.
  const requestedAt = useRef(-1);
  useEffect(() => {
    const rowCount = tableRows.length;
    if (!autoLoadMore || !virtual || !hasMore || loadingMore || requestedAt.current === rowCount) return;
    if (lastShown >= rowCount - 20) {
      requestedAt.current = rowCount;
      onLoadMore?.();
    }
  }, [autoLoadMore, virtual, hasMore, loadingMore, lastShown, tableRows.length, onLoadMore]);
  const shown = items ? items.map((item) => tableRows[item.index]).filter((r) => r !== undefined) : tableRows;
  const padTop = items && items.length > 0 ? (items[0]?.start ?? 0) : 0;
  const padBottom = items && items.length > 0 ? virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0) : 0;

  return (
    <div className="data-table">
      <div className="data-table-toolbar">
        <div className="data-table-toolbar-start">{props.toolbar}</div>
        <DropdownMenu.Root>
          <DropdownMenu.Trigger className="button button-small" aria-label="Choose columns">
            Columns
          </DropdownMenu.Trigger>
          <DropdownMenu.Portal>
            <DropdownMenu.Content className="menu" align="end" sideOffset={4}>
              <DropdownMenu.Label className="menu-label">Show columns</DropdownMenu.Label>
              {table.getAllLeafColumns().map((column) => (
                <DropdownMenu.CheckboxItem
                  key={column.id}
                  className="menu-item"
                  checked={column.getIsVisible()}
                  onCheckedChange={(checked) => column.toggleVisibility(Boolean(checked))}
                  onSelect={(event) => event.preventDefault()}
                >
                  <span className="menu-check" aria-hidden="true">
                    {column.getIsVisible() ? '✓' : ''}
                  </span>
                  {byId.get(column.id)?.header ?? column.id}
                </DropdownMenu.CheckboxItem>
              ))}
            </DropdownMenu.Content>
          </DropdownMenu.Portal>
        </DropdownMenu.Root>
      </div>
      <div ref={scrollRef} className={`data-table-scroll${virtual ? ' data-table-virtual' : ''}`} data-virtualized={virtual || undefined}>
        <table className="table" aria-label={props.label} aria-rowcount={props.hasMore ? -1 : rows.length + 1}>
          <thead>
            <tr>
              {visibleColumns.map((column) => {
                const def = byId.get(column.id);
                const state = sortState(column.id);
                return (
                  <th key={column.id} scope="col" style={def?.width ? { width: def.width } : undefined} aria-sort={def?.sortable ? state : undefined}>
                    {def?.sortable && props.onSortChange ? (
                      <button type="button" className="sort-button" onClick={() => toggleSort(column.id)}>
                        {def.header}
                        <span aria-hidden="true" className="sort-indicator">
                          {state === 'ascending' ? '▲' : state === 'descending' ? '▼' : '↕'}
                        </span>
                      </button>
                    ) : (
                      (def?.header ?? column.id)
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {padTop > 0 ? (
              <tr className="spacer-row" style={{ height: padTop }}>
                <td colSpan={visibleColumns.length} />
              </tr>
            ) : null}
            {shown.map((row) => (
              <tr
                key={row.id}
                className={props.onRowClick ? 'row-clickable' : undefined}
                tabIndex={props.onRowClick ? 0 : undefined}
                style={virtual ? { height: ROW_HEIGHT } : undefined}
                onClick={props.onRowClick ? () => props.onRowClick?.(row.original) : undefined}
                onKeyDown={
                  props.onRowClick
                    ? (event) => {
                        if (event.key === 'Enter' || event.key === ' ') {
                          event.preventDefault();
                          props.onRowClick?.(row.original);
                        }
                      }
                    : undefined
                }
              >
                {row.getVisibleCells().map((cell) => (
                  <td key={cell.id}>{byId.get(cell.column.id)?.cell(row.original)}</td>
                ))}
              </tr>
            ))}
            {padBottom > 0 ? (
              <tr className="spacer-row" style={{ height: padBottom }}>
                <td colSpan={visibleColumns.length} />
              </tr>
            ) : null}
          </tbody>
        </table>
        {props.isLoading ? <Loading /> : null}
        {!props.isLoading && props.error ? <ErrorState error={props.error} onRetry={props.onRetry} /> : null}
        {!props.isLoading && !props.error && rows.length === 0 ? (props.empty ?? <EmptyState title="Nothing here yet" />) : null}
      </div>
      <div className="data-table-footer">
        <span className="muted" aria-live="polite">
          {rows.length > 0 ? `${rows.length}${props.hasMore ? '+' : ''} row${rows.length === 1 ? '' : 's'}` : ''}
        </span>
        {props.hasMore && props.onLoadMore ? (
          <button type="button" className="button" onClick={props.onLoadMore} disabled={props.loadingMore}>
            {props.loadingMore ? 'Loading…' : 'Load more'}
          </button>
        ) : null}
      </div>
    </div>
  );
}

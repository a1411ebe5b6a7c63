import { useNavigate } from '@tanstack/react-router';
import { useCallback, useMemo, useState } from 'react';
import { usePermissions } from '../../app/session';
import { type Column, DataTable } from '../../components/DataTable';
import { EmptyState } from '../../components/States';
import { api, unwrap } from '../../lib/api';
import { formatDateTime, formatRelative } from '../../lib/format';
import { useCursorList } from '../../lib/use-cursor-list';
import { CreateUserDialog } from './CreateUserDialog';
import { usersRoute } from './routes';
import { SearchBox } from './SearchBox';
import type { UserSearch } from './search';
import { PAGE_SIZE, type User, UserBadges } from './user-api';
import './users.css';

const STATUS_OPTIONS = [
  { value: '', label: 'Any status' },
  { value: 'active', label: 'Active' },
  { value: 'suspended', label: 'Suspended' },
  { value: 'deleted', label: 'Deleted' },
];
const BAN_OPTIONS = [
  { value: '', label: 'Banned or not' },
  { value: 'true', label: 'Banned' },
  { value: 'false', label: 'Not banned' },
];

/** Every user of the installation: search, filter by status and ban, sort, and a virtualised list that loads as it scrolls. */
export default function Users() {
  const search = usersRoute.useSearch();
  const navigate = useNavigate();
  const { superAdmin } = usePermissions(null);
  const [creating, setCreating] = useState(false);
  const setSearch = useCallback(
    (patch: Partial<UserSearch>) => void navigate({ to: '/platform/users', search: (old: UserSearch) => ({ ...old, ...patch }) as never, replace: true }),
    [navigate],
  );
  const sort = search.sort ?? '-id';
  const query = { q: search.q, status: search.status, banned: search.banned, sort, limit: PAGE_SIZE };
  const list = useCursorList(['users', 'list', query], (cursor) => unwrap(api.GET('/v1/users', { params: { query: { ...query, cursor } } })));
  const filtered = Boolean(search.q || search.status || search.banned !== undefined);

  const columns = useMemo<Column<User>[]>(
    () => [
      {
        id: 'email',
        header: 'User',
        sortable: true,
        cell: (u) => (
          <span className="users-person">
            <strong>{u.name ?? u.displayName ?? u.email}</strong>
            {u.name || u.displayName ? <span className="muted"> {u.email}</span> : null}
          </span>
        ),
      },
      { id: 'username', header: 'Username', width: '12rem', cell: (u) => u.username ?? <span className="muted">—</span> },
      { id: 'state', header: 'State', width: '14rem', cell: (u) => <UserBadges user={u} compact /> },
      {
        id: 'lastLoginAt',
        header: 'Last sign-in',
        width: '9rem',
        cell: (u) =>
          u.lastLoginAt ? (
            <time dateTime={u.lastLoginAt} title={formatDateTime(u.lastLoginAt)}>
              {formatRelative(u.lastLoginAt)}
            </time>
          ) : (
            'never'
          ),
      },
      { id: 'createdAt', header: 'Created', width: '11rem', sortable: true, cell: (u) => formatDateTime(u.createdAt) },
      { id: 'twoFactorEnabled', header: 'Two-factor', width: '7rem', hiddenByDefault: true, cell: (u) => (u.twoFactorEnabled ? 'on' : 'off') },
      { id: 'id', header: 'Id', hiddenByDefault: true, cell: (u) => <code>{u.id}</code> },
    ],
    [],
  );

  return (
    <div className="page">
      <header className="page-header users-header">
        <div>
          <h1>Users</h1>
          <p className="muted">Everyone with an account on this installation. Roles on a site come from that site’s members.</p>
        </div>
        {superAdmin ? (
          <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
            Create user
          </button>
        ) : null}
      </header>
      <DataTable
        label="Users"
        storageKey="users"
        columns={columns}
        rows={list.rows}
        rowId={(u) => u.id}
        isLoading={list.isLoading}
        error={list.error}
        onRetry={list.refetch}
        sort={sort === '-id' ? undefined : sort}
        onSortChange={(next) => setSearch({ sort: next })}
        hasMore={list.hasMore}
        onLoadMore={list.loadMore}
        loadingMore={list.loadingMore}
        autoLoadMore
        onRowClick={(u) => void navigate({ to: `/platform/users/${u.id}` })}
        toolbar={
          <>
            <SearchBox
              label="Search users"
              placeholder="Search email, username, name"
              value={search.q ?? ''}
              onSearch={(q) => setSearch({ q: q || undefined })}
            />
            <select
              className="input users-filter"
              aria-label="Status"
              value={search.status ?? ''}
              onChange={(e) => setSearch({ status: (e.target.value || undefined) as UserSearch['status'] })}
            >
              {STATUS_OPTIONS.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
            <select
              className="input users-filter"
              aria-label="Ban"
              value={search.banned === undefined ? '' : String(search.banned)}
              onChange={(e) => setSearch({ banned: e.target.value === '' ? undefined : e.target.value === 'true' })}
            >
              {BAN_OPTIONS.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          </>
        }
        empty={filtered ? <EmptyState title="No users match">Try fewer words, or clear the filters.</EmptyState> : <EmptyState title="No users yet" />}
      />
      {superAdmin ? (
        <CreateUserDialog open={creating} onOpenChange={setCreating} onCreated={(user) => void navigate({ to: `/platform/users/${user.id}` })} />
      ) : null}
    </div>
  );
}

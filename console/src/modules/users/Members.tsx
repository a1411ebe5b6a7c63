import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useCallback, useId, useMemo, useState } from 'react';
import { siteRoute } from '../../app/routes';
import { useMe, usePermissions, useReloadIdentity } from '../../app/session';
import { useConfirm } from '../../components/ConfirmDialog';
import { type Column, DataTable } from '../../components/DataTable';
import { EmptyState } from '../../components/States';
import { toast } from '../../components/Toasts';
import { api, describeError, unwrap } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { useCursorList } from '../../lib/use-cursor-list';
import { GrantRoleDialog } from './GrantRoleDialog';
import { membersRoute } from './routes';
import { SearchBox } from './SearchBox';
import type { MemberSearch } from './search';
import { type Membership, PAGE_SIZE, siteRolesQuery } from './user-api';
import './users.css';

type Person = Membership['user'];

const personName = (person: Person | null, fallback: string) => (person ? (person.name ?? person.email) : fallback);

/** Who holds which role on this site: search, filter by role, the history on demand; grant and revoke. */
export default function Members() {
  const { site } = siteRoute.useRouteContext();
  const siteId = site.id;
  const search = membersRoute.useSearch();
  const navigate = useNavigate();
  const permissions = usePermissions(siteId);
  const client = useQueryClient();
  const confirm = useConfirm();
  const historyId = useId();
  const me = useMe();
  const reloadIdentity = useReloadIdentity();
  const [granting, setGranting] = useState(false);
  const setSearch = useCallback(
    (patch: Partial<MemberSearch>) =>
      void navigate({ to: `/sites/${siteId}/memberships`, search: (old: MemberSearch) => ({ ...old, ...patch }) as never, replace: true }),
    [navigate, siteId],
  );
  const roles = useQuery({ ...siteRolesQuery(siteId), enabled: permissions.can('roles.read') });
  const roleNames = useMemo(() => new Map((roles.data?.data ?? []).map((r) => [r.key, r.name])), [roles.data]);
  const query = { q: search.q, roleId: search.roleId, includeRevoked: search.history === true, limit: PAGE_SIZE };
  const list = useCursorList(['memberships', siteId, 'members', query], (cursor) =>
    unwrap(api.GET('/v1/sites/{siteId}/memberships', { params: { path: { siteId }, query: { ...query, cursor } } })),
  );

  const revoke = useMutation({
    mutationFn: (membership: Membership) =>
      unwrap(api.DELETE('/v1/sites/{siteId}/memberships/{membershipId}', { params: { path: { siteId, membershipId: membership.id } } })),
    onSuccess: (revoked) => {
      toast({
        title: 'Role revoked',
        description: `${personName(revoked.user, 'The member')} no longer holds ${roleNames.get(revoked.roleKey) ?? revoked.roleKey}.`,
        variant: 'success',
      });
      void client.invalidateQueries({ queryKey: ['memberships', siteId] });
      void client.invalidateQueries({ queryKey: ['users', revoked.userId, 'memberships'] });
    },
    onError: (error) => toast({ title: 'The role could not be revoked', description: describeError(error), variant: 'error' }),
  });

  const impersonate = useMutation({
    mutationFn: (membership: Membership) =>
      unwrap(
        api.POST('/v1/sites/{siteId}/memberships/{membershipId}/impersonate', {
          params: { path: { siteId, membershipId: membership.id } },
          body: { cookie: true },
        }),
      ),
    onSuccess: async (_tokens, membership) => {
      // The cookie is the member's now, bound to this site: nothing cached about the administrator applies.
      await reloadIdentity();
      await navigate({ to: `/sites/${siteId}` });
      toast({
        title: `You are acting as ${personName(membership.user, 'the member')} on ${site.name}`,
        description: 'For up to 30 minutes, on this site only. End it from the banner at the top.',
        variant: 'info',
      });
    },
    onError: (error) => toast({ title: 'Impersonation could not start', description: describeError(error), variant: 'error' }),
  });

  const canRevoke = permissions.can('memberships.delete');
  // The server also refuses super admins and members whose role grants more than the caller holds here.
  const canImpersonate = permissions.can('members.impersonate') && !me.impersonatedBy;
  const columns = useMemo<Column<Membership>[]>(
    () => [
      {
        id: 'member',
        header: 'Member',
        cell: (m) => (
          <span className="users-person">
            <strong>{m.user.name ?? m.user.email}</strong>
            {m.user.name ? <span className="muted"> {m.user.email}</span> : null}
          </span>
        ),
      },
      { id: 'role', header: 'Role', width: '12rem', cell: (m) => roleNames.get(m.roleKey) ?? m.roleKey },
      {
        id: 'status',
        header: 'Status',
        width: '7rem',
        cell: (m) => (m.active ? <span className="pill pill-success">active</span> : <span className="pill">revoked</span>),
      },
      {
        id: 'granted',
        header: 'Granted',
        width: '16rem',
        cell: (m) => (
          <span title={`by ${personName(m.assignedByUser, 'a rule or an API key')}`}>
            {formatDateTime(m.assignedAt)} <span className="muted">by {personName(m.assignedByUser, 'a rule')}</span>
          </span>
        ),
      },
      {
        id: 'revoked',
        header: 'Revoked',
        width: '16rem',
        cell: (m) =>
          m.revokedAt ? (
            <span>
              {formatDateTime(m.revokedAt)} <span className="muted">by {personName(m.revokedByUser, 'an API key')}</span>
            </span>
          ) : (
            '—'
          ),
      },
      {
        id: 'actions',
        header: '',
        width: '13rem',
        cell: (m) => (
          <span className="users-row-actions">
            {m.active && canImpersonate && m.userId !== me.user.id ? (
              <button
                type="button"
                className="button button-small"
                aria-label={`Impersonate ${m.user.email}`}
                disabled={impersonate.isPending}
                onClick={async (event) => {
                  event.stopPropagation();
                  if (
                    await confirm({
                      title: `Impersonate ${personName(m.user, 'this member')}?`,
                      description: `You will see ${site.name} as they do, for up to 30 minutes and on this site only. Everything you do is recorded as theirs and yours. A banner lets you end it and come back.`,
                      confirmLabel: 'Impersonate',
                    })
                  )
                    impersonate.mutate(m);
                }}
                onKeyDown={(event) => event.stopPropagation()}
              >
                Impersonate
              </button>
            ) : null}
            {m.active && canRevoke ? (
              <button
                type="button"
                className="button button-small button-danger"
                aria-label={`Revoke ${roleNames.get(m.roleKey) ?? m.roleKey} from ${m.user.email}`}
                disabled={revoke.isPending}
                onClick={async (event) => {
                  event.stopPropagation();
                  if (
                    await confirm({
                      title: `Revoke ${roleNames.get(m.roleKey) ?? m.roleKey} from ${personName(m.user, 'this member')}?`,
                      description: 'They lose every permission of the role on this site at once. The grant stays in the history.',
                      confirmLabel: 'Revoke',
                      destructive: true,
                    })
                  )
                    revoke.mutate(m);
                }}
                onKeyDown={(event) => event.stopPropagation()}
              >
                Revoke
              </button>
            ) : null}
          </span>
        ),
      },
    ],
    [roleNames, canRevoke, canImpersonate, confirm, revoke, impersonate, me.user.id, site.name],
  );
  const filtered = Boolean(search.q || search.roleId);

  return (
    <div className="page">
      <header className="page-header users-header">
        <div>
          <h1>Members</h1>
          <p className="muted">The people who hold a role on {site.name}. One role per person; revoking keeps the grant in the history.</p>
        </div>
        {permissions.can('memberships.create') ? (
          <button type="button" className="button button-primary" onClick={() => setGranting(true)}>
            Grant a role…
          </button>
        ) : null}
      </header>
      <DataTable
        label={search.history ? 'Membership history' : 'Members'}
        storageKey="site-members"
        columns={search.history ? columns : columns.filter((c) => c.id !== 'revoked')}
        rows={list.rows}
        rowId={(m) => m.id}
        isLoading={list.isLoading}
        error={list.error}
        onRetry={list.refetch}
        hasMore={list.hasMore}
        onLoadMore={list.loadMore}
        loadingMore={list.loadingMore}
        autoLoadMore
        onRowClick={permissions.superAdmin ? (m) => void navigate({ to: `/platform/users/${m.userId}`, search: { tab: 'memberships' } as never }) : undefined}
        toolbar={
          <>
            <SearchBox
              label="Search members"
              placeholder="Search email, username, name"
              value={search.q ?? ''}
              onSearch={(q) => setSearch({ q: q || undefined })}
            />
            {roles.data ? (
              <select
                className="input users-filter"
                aria-label="Role"
                value={search.roleId ?? ''}
                onChange={(e) => setSearch({ roleId: e.target.value || undefined })}
              >
                <option value="">Any role</option>
                {roles.data.data.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.name}
                  </option>
                ))}
              </select>
            ) : null}
            <label htmlFor={historyId} className="users-check">
              <input id={historyId} type="checkbox" checked={search.history === true} onChange={(e) => setSearch({ history: e.target.checked || undefined })} />
              Include revoked (history)
            </label>
          </>
        }
        empty={
          filtered ? (
            <EmptyState title="No members match">Try fewer words, or another role.</EmptyState>
          ) : (
            <EmptyState title="Nobody holds a role here yet" action={null}>
              {permissions.can('memberships.create') ? 'Grant someone a role to let them work on this site.' : null}
            </EmptyState>
          )
        }
      />
      <GrantRoleDialog open={granting} onOpenChange={setGranting} siteId={siteId} />
    </div>
  );
}

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useMemo, useState } from 'react';
import { SiteBadge } from '../../app/layout/SiteSwitcher';
import { permissionsOf, useMe } from '../../app/session';
import { useConfirm } from '../../components/ConfirmDialog';
import { type Column, DataTable } from '../../components/DataTable';
import { EmptyState } from '../../components/States';
import { toast } from '../../components/Toasts';
import { api, describeError, type Schema, unwrap } from '../../lib/api';
import { GrantRoleDialog } from './GrantRoleDialog';
import { displayName, type User } from './user-api';

type UserMembership = Schema<'UserMembership'>;

/** The sites the user belongs to and their role on each; grant a role on another site, or revoke one. */
export function UserMemberships({ user }: { user: User }) {
  const me = useMe();
  const client = useQueryClient();
  const confirm = useConfirm();
  const [granting, setGranting] = useState(false);
  const memberships = useQuery({
    queryKey: ['users', user.id, 'memberships'],
    queryFn: () => unwrap(api.GET('/v1/users/{userId}/memberships', { params: { path: { userId: user.id } } })),
  });
  const rows = memberships.data?.data ?? [];

  const revoke = useMutation({
    mutationFn: async (row: UserMembership) => {
      // Memberships live on their site: find the active one there, then revoke it (it stays as history).
      const page = await unwrap(api.GET('/v1/sites/{siteId}/memberships', { params: { path: { siteId: row.site.id }, query: { userId: user.id, limit: 1 } } }));
      const active = page.data.find((m) => m.active);
      if (!active) throw new Error('This membership was already revoked.');
      return unwrap(api.DELETE('/v1/sites/{siteId}/memberships/{membershipId}', { params: { path: { siteId: row.site.id, membershipId: active.id } } }));
    },
    onSuccess: (_revoked, row) => toast({ title: 'Role revoked', description: `${row.role.name} on ${row.site.name}`, variant: 'success' }),
    onError: (error) => toast({ title: 'The role could not be revoked', description: describeError(error), variant: 'error' }),
    onSettled: (_result, _error, row) => {
      void client.invalidateQueries({ queryKey: ['users', user.id, 'memberships'] });
      if (row) void client.invalidateQueries({ queryKey: ['memberships', row.site.id] });
    },
  });

  const columns = useMemo<Column<UserMembership>[]>(
    () => [
      { id: 'site', header: 'Site', cell: (m) => <SiteBadge site={m.site} /> },
      { id: 'role', header: 'Role', cell: (m) => m.role.name },
      {
        id: 'siteStatus',
        header: 'Site status',
        width: '8rem',
        cell: (m) => (m.site.status === 'active' ? 'active' : <span className="pill pill-warning">{m.site.status}</span>),
      },
      {
        id: 'actions',
        header: '',
        width: '16rem',
        cell: (m) => (
          <span className="users-inline-actions">
            <Link className="button button-small" to={`/sites/${m.site.id}/memberships`} search={{ q: user.email, history: true } as never}>
              History
            </Link>
            {permissionsOf(me, m.site.id).can('memberships.delete') ? (
              <button
                type="button"
                className="button button-small button-danger"
                aria-label={`Revoke ${m.role.name} on ${m.site.name}`}
                disabled={revoke.isPending}
                onClick={async () => {
                  if (
                    await confirm({
                      title: `Revoke ${m.role.name} on ${m.site.name}?`,
                      description: `${displayName(user)} loses every permission of the role on that site at once. The grant stays in the site’s history.`,
                      confirmLabel: 'Revoke',
                      destructive: true,
                    })
                  )
                    revoke.mutate(m);
                }}
              >
                Revoke
              </button>
            ) : null}
          </span>
        ),
      },
    ],
    [me, user, confirm, revoke],
  );

  return (
    <div className="stack">
      <div className="users-card-header">
        <p className="muted">Active memberships. Each site keeps the full history of who granted and revoked what.</p>
        <button type="button" className="button button-primary" onClick={() => setGranting(true)}>
          Grant a role…
        </button>
      </div>
      <DataTable
        label={`Memberships of ${user.email}`}
        storageKey="user-memberships"
        columns={columns}
        rows={rows}
        rowId={(m) => m.site.id}
        isLoading={memberships.isLoading}
        error={memberships.error}
        onRetry={() => void memberships.refetch()}
        empty={<EmptyState title="No memberships">This user holds no role on any site.</EmptyState>}
      />
      <GrantRoleDialog
        open={granting}
        onOpenChange={setGranting}
        user={{ id: user.id, email: user.email, name: user.name }}
        excludeSiteIds={rows.map((m) => m.site.id)}
      />
    </div>
  );
}

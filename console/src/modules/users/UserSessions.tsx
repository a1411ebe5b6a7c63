import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useMemo } from 'react';
import { usePermissions } from '../../app/session';
import { useConfirm } from '../../components/ConfirmDialog';
import { type Column, DataTable } from '../../components/DataTable';
import { EmptyState } from '../../components/States';
import { toast } from '../../components/Toasts';
import { api, describeError, type Schema, unwrap } from '../../lib/api';
import { formatDateTime, formatRelative } from '../../lib/format';
import { shortAgent, type User } from './user-api';

type Session = Schema<'Session'>;
type Device = Schema<'Device'>;

const timeCell = (value: string | null) =>
  value ? (
    <time dateTime={value} title={formatDateTime(value)}>
      {formatRelative(value)}
    </time>
  ) : (
    '—'
  );

/** The user's live sessions; each can be revoked (the person on that device is signed out). */
export function UserSessions({ user }: { user: User }) {
  const { superAdmin } = usePermissions(null);
  const client = useQueryClient();
  const confirm = useConfirm();
  const sessions = useQuery({
    queryKey: ['users', user.id, 'sessions'],
    queryFn: () => unwrap(api.GET('/v1/users/{userId}/sessions', { params: { path: { userId: user.id } } })),
  });
  const revoke = useMutation({
    mutationFn: (sessionId: string) => unwrap(api.DELETE('/v1/users/{userId}/sessions/{sessionId}', { params: { path: { userId: user.id, sessionId } } })),
    onSuccess: () => {
      toast({ title: 'Session revoked', variant: 'success' });
      void client.invalidateQueries({ queryKey: ['users', user.id, 'sessions'] });
    },
    onError: (error) => toast({ title: 'The session could not be revoked', description: describeError(error), variant: 'error' }),
  });
  const columns = useMemo<Column<Session>[]>(
    () => [
      { id: 'userAgent', header: 'Device', cell: (s) => <span title={s.userAgent ?? ''}>{shortAgent(s.userAgent)}</span> },
      { id: 'ip', header: 'IP', width: '9rem', cell: (s) => s.ip ?? '—' },
      { id: 'createdAt', header: 'Signed in', width: '11rem', cell: (s) => formatDateTime(s.createdAt) },
      { id: 'lastSeenAt', header: 'Last active', width: '8rem', cell: (s) => timeCell(s.lastSeenAt) },
      { id: 'expiresAt', header: 'Ends', width: '11rem', hiddenByDefault: true, cell: (s) => formatDateTime(s.expiresAt) },
      {
        id: 'impersonatedBy',
        header: 'Kind',
        width: '9rem',
        cell: (s) =>
          s.impersonatedBy ? (
            <Link to={`/platform/users/${s.impersonatedBy}`} className="pill pill-warning" title="Opened by an administrator impersonating this user">
              impersonation
            </Link>
          ) : s.current ? (
            <span className="pill">your session</span>
          ) : (
            'sign-in'
          ),
      },
      {
        id: 'actions',
        header: '',
        width: '7rem',
        cell: (s) =>
          superAdmin ? (
            <button
              type="button"
              className="button button-small button-danger"
              aria-label={`Revoke session ${shortAgent(s.userAgent)} from ${s.ip ?? 'unknown address'}`}
              disabled={revoke.isPending}
              onClick={async () => {
                if (
                  await confirm({
                    title: 'Revoke this session?',
                    description: `${shortAgent(s.userAgent)}${s.ip ? ` at ${s.ip}` : ''} is signed out at once.`,
                    confirmLabel: 'Revoke',
                    destructive: true,
                  })
                )
                  revoke.mutate(s.id);
              }}
            >
              Revoke
            </button>
          ) : null,
      },
    ],
    [superAdmin, confirm, revoke],
  );
  return (
    <DataTable
      label={`Sessions of ${user.email}`}
      storageKey="user-sessions"
      columns={columns}
      rows={sessions.data?.data ?? []}
      rowId={(s) => s.id}
      isLoading={sessions.isLoading}
      error={sessions.error}
      onRetry={() => void sessions.refetch()}
      empty={<EmptyState title="No active sessions">This user is not signed in anywhere.</EmptyState>}
    />
  );
}

/** The devices the user signed in from; a new one was audited and, from the second on, mailed to them. */
export function UserDevices({ user }: { user: User }) {
  const devices = useQuery({
    queryKey: ['users', user.id, 'devices'],
    queryFn: () => unwrap(api.GET('/v1/users/{userId}/devices', { params: { path: { userId: user.id } } })),
  });
  const columns = useMemo<Column<Device>[]>(
    () => [
      { id: 'userAgent', header: 'Device', cell: (d) => <span title={d.userAgent ?? ''}>{shortAgent(d.userAgent)}</span> },
      { id: 'platform', header: 'Platform', width: '8rem', cell: (d) => d.platform ?? '—' },
      { id: 'lastIp', header: 'Last IP', width: '9rem', cell: (d) => d.lastIp ?? '—' },
      { id: 'lastSeenAt', header: 'Last seen', width: '8rem', cell: (d) => timeCell(d.lastSeenAt) },
      { id: 'createdAt', header: 'First seen', width: '11rem', cell: (d) => formatDateTime(d.createdAt) },
      {
        id: 'riskState',
        header: 'Risk',
        width: '7rem',
        cell: (d) => <span className={`pill${d.riskState === 'normal' ? '' : ' pill-warning'}`}>{d.trusted ? 'trusted' : d.riskState}</span>,
      },
    ],
    [],
  );
  return (
    <DataTable
      label={`Devices of ${user.email}`}
      storageKey="user-devices"
      columns={columns}
      rows={devices.data?.data ?? []}
      rowId={(d) => d.id}
      isLoading={devices.isLoading}
      error={devices.error}
      onRetry={() => void devices.refetch()}
      empty={<EmptyState title="No devices yet">Devices are recorded when the user signs in.</EmptyState>}
    />
  );
}

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { useMe, usePermissions, useReloadIdentity } from '../../app/session';
import { useConfirm } from '../../components/ConfirmDialog';
import { toast } from '../../components/Toasts';
import { api, describeError, unwrap } from '../../lib/api';
import { BanDialog, EditUserDialog } from './BanDialog';
import { banInForce, displayName, type User } from './user-api';

/** Why impersonating this user is not possible, or null when it is (the server checks the same). */
function impersonationBlocker(user: User, me: ReturnType<typeof useMe>): string | null {
  if (me.impersonatedBy) return 'End the current impersonation first.';
  if (user.id === me.user.id) return 'This is you.';
  if (user.isSuperAdmin) return 'Super admins cannot be impersonated.';
  if (user.status !== 'active' || banInForce(user)) return 'Only active, unbanned users can be impersonated.';
  return null;
}

/** What an administrator can do to a user: edit, ban or unban, send a reset mail, sign out everywhere, impersonate. */
export function UserActions({ user, etag }: { user: User; etag: string | undefined }) {
  const me = useMe();
  const { superAdmin } = usePermissions(null);
  const client = useQueryClient();
  const confirm = useConfirm();
  const navigate = useNavigate();
  const reloadIdentity = useReloadIdentity();
  const [editing, setEditing] = useState(false);
  const [banning, setBanning] = useState(false);
  const name = displayName(user);
  const refresh = () => client.invalidateQueries({ queryKey: ['users'] });
  const fail = (title: string) => (error: unknown) => toast({ title, description: describeError(error), variant: 'error' });

  const unban = useMutation({
    mutationFn: () => unwrap(api.POST('/v1/users/{userId}/unban', { params: { path: { userId: user.id } }, body: {} })),
    onSuccess: () => {
      void refresh();
      toast({ title: `${name} is no longer banned`, variant: 'success' });
    },
    onError: fail('The ban could not be lifted'),
  });
  const reset = useMutation({
    mutationFn: () => unwrap(api.POST('/v1/users/{userId}/password-reset', { params: { path: { userId: user.id } }, body: {} })),
    onSuccess: () => toast({ title: 'Password-reset mail sent', description: `To ${user.email}. The link works once, for 30 minutes.`, variant: 'success' }),
    onError: fail('The reset mail could not be sent'),
  });
  const signOutEverywhere = useMutation({
    mutationFn: () => unwrap(api.DELETE('/v1/users/{userId}/sessions', { params: { path: { userId: user.id } } })),
    onSuccess: ({ ended }) => {
      void client.invalidateQueries({ queryKey: ['users', user.id, 'sessions'] });
      toast({ title: ended === 1 ? '1 session ended' : `${ended} sessions ended`, variant: 'success' });
    },
    onError: fail('The sessions could not be ended'),
  });
  const impersonate = useMutation({
    mutationFn: () => unwrap(api.POST('/v1/users/{userId}/impersonate', { params: { path: { userId: user.id } }, body: { cookie: true } })),
    onSuccess: async () => {
      // The cookie is the impersonated user's now: nothing cached about the administrator applies.
      await reloadIdentity();
      await navigate({ to: '/' });
      toast({ title: `You are acting as ${name}`, description: 'For up to 30 minutes. End it from the banner at the top.', variant: 'info' });
    },
    onError: fail('Impersonation could not start'),
  });
  const blocker = impersonationBlocker(user, me);

  return (
    <div className="users-actions" role="toolbar" aria-label="User actions">
      {superAdmin ? (
        <button type="button" className="button" onClick={() => setEditing(true)} disabled={user.status === 'deleted'}>
          Edit
        </button>
      ) : null}
      {superAdmin ? (
        <button
          type="button"
          className="button"
          disabled={reset.isPending || user.status !== 'active'}
          title={user.status !== 'active' ? 'Only active accounts can reset a password.' : undefined}
          onClick={async () => {
            if (
              await confirm({
                title: 'Send a password-reset mail?',
                description: `${user.email} gets a single-use link to choose a new password. Earlier links stop working.`,
                confirmLabel: 'Send mail',
              })
            )
              reset.mutate();
          }}
        >
          Reset password
        </button>
      ) : null}
      {superAdmin ? (
        <button
          type="button"
          className="button"
          disabled={signOutEverywhere.isPending}
          onClick={async () => {
            if (
              await confirm({
                title: `Sign ${name} out everywhere?`,
                description: 'Every session of this user ends now, on every device. They can sign in again.',
                confirmLabel: 'Revoke all sessions',
                destructive: true,
              })
            )
              signOutEverywhere.mutate();
          }}
        >
          Revoke all sessions
        </button>
      ) : null}
      {superAdmin && user.banned ? (
        <button
          type="button"
          className="button"
          disabled={unban.isPending}
          onClick={async () => {
            if (await confirm({ title: `Lift the ban on ${name}?`, description: 'They can sign in again at once.', confirmLabel: 'Unban' })) unban.mutate();
          }}
        >
          Unban
        </button>
      ) : null}
      {superAdmin && !user.banned ? (
        <button
          type="button"
          className="button button-danger"
          disabled={user.id === me.user.id}
          title={user.id === me.user.id ? 'You cannot ban yourself.' : undefined}
          onClick={() => setBanning(true)}
        >
          Ban…
        </button>
      ) : null}
      {superAdmin ? (
        <button
          type="button"
          className="button"
          disabled={blocker !== null || impersonate.isPending}
          title={blocker ?? undefined}
          onClick={async () => {
            if (
              await confirm({
                title: `Impersonate ${name}?`,
                description:
                  'You will see the console as they do, for up to 30 minutes. Everything you do is recorded as theirs and yours. A banner lets you end it and come back here.',
                confirmLabel: 'Impersonate',
              })
            )
              impersonate.mutate();
          }}
        >
          Impersonate
        </button>
      ) : null}
      <EditUserDialog user={user} etag={etag} open={editing} onOpenChange={setEditing} />
      <BanDialog user={user} open={banning} onOpenChange={setBanning} />
    </div>
  );
}

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { usePermissions } from '../../app/session';
import { useConfirm } from '../../components/ConfirmDialog';
import { Dialog } from '../../components/Dialog';
import { Form, FormActions, SelectField, SubmitButton, TextField, useFieldErrors } from '../../components/Form';
import { toast } from '../../components/Toasts';
import { api, describeError, type Schema, unwrap } from '../../lib/api';
import { errorFor } from '../../lib/field-errors';
import { formatDateTime } from '../../lib/format';
import { type PickedUser, UserPicker } from './UserPicker';
import { displayName, type UserDetail, userQuery } from './user-api';

type AdminProfile = Schema<'AdminProfile'>;

/** The account's facts, and the staff profile (department, manager, access level) when it has one. */
export function UserOverview({ user }: { user: UserDetail }) {
  const facts: Array<[string, string]> = [
    ['Email', `${user.email}${user.emailVerified ? ' (confirmed)' : ' (not confirmed)'}`],
    ['Username', user.username ?? '—'],
    [
      'Name',
      [user.name, user.firstName || user.lastName ? `(${[user.firstName, user.lastName].filter(Boolean).join(' ')})` : null].filter(Boolean).join(' ') || '—',
    ],
    ['Status', user.status],
    ['Two-factor', user.twoFactorEnabled ? 'on' : 'off'],
    ['Last sign-in', formatDateTime(user.lastLoginAt)],
    ['Created', formatDateTime(user.createdAt)],
    ['Updated', formatDateTime(user.updatedAt)],
    ['Id', user.id],
  ];
  return (
    <div className="users-overview">
      <section className="card" aria-labelledby="account-title">
        <h2 id="account-title">Account</h2>
        <dl className="users-facts">
          {facts.map(([term, value]) => (
            <div key={term}>
              <dt>{term}</dt>
              <dd>{term === 'Id' ? <code>{value}</code> : value}</dd>
            </div>
          ))}
        </dl>
      </section>
      <AdminProfileCard user={user} />
    </div>
  );
}

function ManagerName({ userId }: { userId: string }) {
  const manager = useQuery(userQuery(userId));
  const label = manager.data ? displayName(manager.data.user) : manager.isError ? 'a user who cannot be shown' : '…';
  return <Link to={`/platform/users/${userId}`}>{label}</Link>;
}

function AdminProfileCard({ user }: { user: UserDetail }) {
  const { superAdmin } = usePermissions(null);
  const client = useQueryClient();
  const confirm = useConfirm();
  const [editing, setEditing] = useState(false);
  const profile = user.adminProfile;
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/v1/users/{userId}/admin-profile', { params: { path: { userId: user.id } } })),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['users', user.id] });
      toast({ title: 'Staff profile removed', variant: 'success' });
    },
    onError: (error) => toast({ title: 'The profile could not be removed', description: describeError(error), variant: 'error' }),
  });
  return (
    <section className="card" aria-labelledby="staff-title">
      <div className="users-card-header">
        <h2 id="staff-title">Staff profile</h2>
        {superAdmin ? (
          <span className="users-inline-actions">
            <button type="button" className="button button-small" onClick={() => setEditing(true)}>
              {profile ? 'Edit' : 'Add'}
            </button>
            {profile ? (
              <button
                type="button"
                className="button button-small button-danger"
                disabled={remove.isPending}
                onClick={async () => {
                  if (
                    await confirm({
                      title: 'Remove the staff profile?',
                      description: 'Department, manager and access level are cleared. The account itself stays.',
                      confirmLabel: 'Remove',
                      destructive: true,
                    })
                  )
                    remove.mutate();
                }}
              >
                Remove
              </button>
            ) : null}
          </span>
        ) : null}
      </div>
      {profile ? (
        <dl className="users-facts">
          <div>
            <dt>Department</dt>
            <dd>{profile.department ?? '—'}</dd>
          </div>
          <div>
            <dt>Manager</dt>
            <dd>{profile.managerUserId ? <ManagerName userId={profile.managerUserId} /> : '—'}</dd>
          </div>
          <div>
            <dt>Access level</dt>
            <dd>
              <span className="users-level">{profile.accessLevel} of 5</span>
            </dd>
          </div>
        </dl>
      ) : (
        <p className="muted">No staff profile. Staff details (department, manager, access level 1–5) are for the people who run the platform.</p>
      )}
      <Dialog open={editing} onOpenChange={setEditing} title={profile ? 'Edit staff profile' : 'Add a staff profile'}>
        {editing ? <AdminProfileForm user={user} profile={profile} onDone={() => setEditing(false)} /> : null}
      </Dialog>
    </section>
  );
}

function AdminProfileForm({ user, profile, onDone }: { user: UserDetail; profile: AdminProfile | null; onDone: () => void }) {
  const client = useQueryClient();
  const [department, setDepartment] = useState(profile?.department ?? '');
  const [accessLevel, setAccessLevel] = useState(String(profile?.accessLevel ?? 1));
  const current = useQuery({ ...userQuery(profile?.managerUserId ?? ''), enabled: Boolean(profile?.managerUserId) });
  const [manager, setManager] = useState<PickedUser | null | undefined>(undefined);
  const shownManager: PickedUser | null =
    manager !== undefined ? manager : current.data ? { id: current.data.user.id, email: current.data.user.email, name: current.data.user.name } : null;
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.PUT('/v1/users/{userId}/admin-profile', {
          params: { path: { userId: user.id } },
          body: {
            department: department.trim() === '' ? null : department.trim(),
            managerUserId: manager === undefined ? (profile?.managerUserId ?? null) : (manager?.id ?? null),
            accessLevel: Number(accessLevel),
          },
        }),
      ),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['users', user.id] });
      toast({ title: 'Staff profile saved', variant: 'success' });
      onDone();
    },
  });
  const errors = useFieldErrors(save.error);
  return (
    <Form onSubmit={() => save.mutate()} error={save.error} pointers={['/department', '/managerUserId', '/accessLevel']} aria-label="Staff profile">
      <TextField label="Department" pointer="/department" errors={errors} value={department} onChange={setDepartment} />
      <UserPicker
        label="Manager"
        value={shownManager}
        onChange={setManager}
        excludeId={user.id}
        error={errorFor(errors, '/managerUserId')}
        hint="Optional. Someone who does not report to this user."
      />
      <SelectField
        label="Access level"
        pointer="/accessLevel"
        errors={errors}
        options={[1, 2, 3, 4, 5].map((n) => ({ value: String(n), label: `${n}${n === 1 ? ' (lowest)' : n === 5 ? ' (highest)' : ''}` }))}
        value={accessLevel}
        onChange={setAccessLevel}
      />
      <FormActions>
        <SubmitButton pending={save.isPending}>Save</SubmitButton>
        <button type="button" className="button button-link" onClick={onDone}>
          Cancel
        </button>
      </FormActions>
    </Form>
  );
}

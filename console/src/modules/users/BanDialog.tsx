import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Dialog } from '../../components/Dialog';
import { Form, FormActions, SelectField, SubmitButton, TextAreaField, TextField, useFieldErrors } from '../../components/Form';
import { toast } from '../../components/Toasts';
import { api, unwrap } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { displayName, type User } from './user-api';

const HOUR = 3_600_000;
const DURATIONS = [
  { value: '1h', label: '1 hour', ms: HOUR },
  { value: '1d', label: '1 day', ms: 24 * HOUR },
  { value: '7d', label: '7 days', ms: 7 * 24 * HOUR },
  { value: '30d', label: '30 days', ms: 30 * 24 * HOUR },
  { value: 'until', label: 'Until a date and time…', ms: 0 },
  { value: 'permanent', label: 'Until lifted by hand', ms: 0 },
] as const;

/** `<input type="datetime-local">`'s value for an instant, in local time. */
const localInput = (date: Date) => {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
};

/** When the ban ends, as the API wants it: an instant, null (until lifted), or undefined when the date is not valid. */
export function banExpiry(duration: string, until: string, now = Date.now()): string | null | undefined {
  if (duration === 'permanent') return null;
  if (duration === 'until') {
    const at = new Date(until);
    return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
  }
  const preset = DURATIONS.find((d) => d.value === duration);
  return preset ? new Date(now + preset.ms).toISOString() : undefined;
}

/** Ban with a reason and an optional end; every session of the user ends at once. */
export function BanDialog({ user, open, onOpenChange }: { user: User; open: boolean; onOpenChange: (open: boolean) => void }) {
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title={`Ban ${displayName(user)}?`}
      description="They are signed out everywhere at once and cannot sign in until the ban ends or is lifted."
    >
      {open ? <BanForm user={user} onDone={() => onOpenChange(false)} /> : null}
    </Dialog>
  );
}

function BanForm({ user, onDone }: { user: User; onDone: () => void }) {
  const client = useQueryClient();
  const [reason, setReason] = useState('');
  const [duration, setDuration] = useState<string>('7d');
  const [until, setUntil] = useState(() => localInput(new Date(Date.now() + 24 * HOUR)));
  const ban = useMutation({
    mutationFn: () => {
      const expiresAt = banExpiry(duration, until);
      return unwrap(
        api.POST('/v1/users/{userId}/ban', {
          params: { path: { userId: user.id } },
          body: { reason: reason.trim(), ...(expiresAt === undefined ? {} : { expiresAt }) },
        }),
      );
    },
    onSuccess: (banned) => {
      void client.invalidateQueries({ queryKey: ['users'] });
      toast({
        title: `${displayName(user)} is banned`,
        description: banned.banExpires ? `Until ${formatDateTime(banned.banExpires)}.` : 'Until the ban is lifted.',
        variant: 'success',
      });
      onDone();
    },
  });
  const errors = useFieldErrors(ban.error);
  return (
    <Form onSubmit={() => ban.mutate()} error={ban.error} pointers={['/reason', '/expiresAt']} aria-label="Ban user">
      <TextAreaField label="Reason" pointer="/reason" errors={errors} rows={3} value={reason} onChange={setReason} required hint="Kept in the audit log." />
      <SelectField
        label="Ban for"
        pointer="/duration"
        options={DURATIONS.map((d) => ({ value: d.value, label: d.label }))}
        value={duration}
        onChange={setDuration}
      />
      {duration === 'until' ? (
        <TextField label="Ends at" pointer="/expiresAt" errors={errors} type="datetime-local" value={until} onChange={setUntil} required />
      ) : null}
      <FormActions>
        <button type="submit" className="button button-danger" disabled={ban.isPending || reason.trim() === ''} aria-busy={ban.isPending || undefined}>
          {ban.isPending ? 'Working…' : 'Ban'}
        </button>
        <button type="button" className="button button-link" onClick={onDone}>
          Cancel
        </button>
      </FormActions>
    </Form>
  );
}

/** Names, username and status (suspension); each change audited with before and after. */
export function EditUserDialog({
  user,
  etag,
  open,
  onOpenChange,
}: {
  user: User;
  etag: string | undefined;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title={`Edit ${displayName(user)}`}>
      {open ? <EditUserForm user={user} etag={etag} onDone={() => onOpenChange(false)} /> : null}
    </Dialog>
  );
}

const blankToNull = (value: string) => (value.trim() === '' ? null : value.trim());

function EditUserForm({ user, etag, onDone }: { user: User; etag: string | undefined; onDone: () => void }) {
  const client = useQueryClient();
  const [name, setName] = useState(user.name ?? '');
  const [displayNameValue, setDisplayName] = useState(user.displayName ?? '');
  const [username, setUsername] = useState(user.username ?? '');
  const [status, setStatus] = useState<'active' | 'suspended'>(user.status === 'suspended' ? 'suspended' : 'active');
  const save = useMutation({
    mutationFn: () => {
      const body: Record<string, unknown> = {};
      if (blankToNull(name) !== user.name) body.name = blankToNull(name);
      if (blankToNull(displayNameValue) !== user.displayName) body.displayName = blankToNull(displayNameValue);
      if ((blankToNull(username)?.toLowerCase() ?? null) !== user.username) body.username = blankToNull(username);
      if (status !== user.status) body.status = status;
      if (Object.keys(body).length === 0) return Promise.resolve(null);
      return unwrap(api.PATCH('/v1/users/{userId}', { params: { path: { userId: user.id }, header: etag ? { 'if-match': etag } : {} }, body: body as never }));
    },
    onSuccess: (saved) => {
      if (saved) {
        void client.invalidateQueries({ queryKey: ['users'] });
        toast({ title: 'User saved', variant: 'success' });
      }
      onDone();
    },
  });
  const errors = useFieldErrors(save.error);
  return (
    <Form onSubmit={() => save.mutate()} error={save.error} pointers={['/name', '/displayName', '/username', '/status']} aria-label="Edit user">
      <TextField label="Name" pointer="/name" errors={errors} value={name} onChange={setName} />
      <TextField label="Display name" pointer="/displayName" errors={errors} value={displayNameValue} onChange={setDisplayName} />
      <TextField label="Username" pointer="/username" errors={errors} value={username} onChange={setUsername} />
      <SelectField
        label="Status"
        pointer="/status"
        errors={errors}
        disabled={user.status === 'deleted'}
        options={[
          { value: 'active', label: 'Active' },
          { value: 'suspended', label: 'Suspended (cannot sign in)' },
        ]}
        hint={status === 'suspended' && user.status !== 'suspended' ? 'Suspending signs them out everywhere.' : undefined}
        value={status}
        onChange={(value) => setStatus(value as 'active' | 'suspended')}
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

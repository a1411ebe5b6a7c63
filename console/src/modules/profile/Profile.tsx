import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useMe, useRefreshMe } from '../../app/session';
import { useConfirm } from '../../components/ConfirmDialog';
import { CopyButton } from '../../components/CopyButton';
import { type Column, DataTable } from '../../components/DataTable';
import { Form, FormActions, SubmitButton, TextField, useFieldErrors } from '../../components/Form';
import { toast } from '../../components/Toasts';
import { api, describeError, type Schema, unwrap } from '../../lib/api';
import { formatDateTime, formatRelative } from '../../lib/format';

/** The signed-in person's own account: password, two-factor, sessions. */
export default function Profile() {
  const me = useMe();
  return (
    <div className="page">
      <header className="page-header">
        <h1>Profile and security</h1>
        <p className="muted">
          {me.user.email}
          {me.user.username ? ` · ${me.user.username}` : ''}
        </p>
      </header>
      {me.impersonatedBy ? (
        <p className="notice">Credentials cannot be changed while impersonating.</p>
      ) : (
        <>
          <ChangePassword />
          <TwoFactor />
        </>
      )}
      <Sessions />
    </div>
  );
}

function ChangePassword() {
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNext] = useState('');
  const change = useMutation({
    mutationFn: () => unwrap(api.POST('/v1/me/password', { body: { currentPassword, newPassword } })),
    onSuccess: () => {
      setCurrent('');
      setNext('');
      toast({ title: 'Password changed', description: 'Your other sessions were signed out.', variant: 'success' });
    },
  });
  const errors = useFieldErrors(change.error);
  return (
    <section className="section card" aria-labelledby="password-title">
      <h2 id="password-title">Password</h2>
      <Form onSubmit={() => change.mutate()} error={change.error} pointers={['/currentPassword', '/newPassword']} aria-label="Change password">
        <TextField
          label="Current password"
          pointer="/currentPassword"
          errors={errors}
          type="password"
          autoComplete="current-password"
          value={currentPassword}
          onChange={setCurrent}
          required
        />
        <TextField
          label="New password"
          pointer="/newPassword"
          errors={errors}
          type="password"
          autoComplete="new-password"
          hint="At least 12 characters; a long passphrase is best."
          value={newPassword}
          onChange={setNext}
          required
        />
        <FormActions>
          <SubmitButton pending={change.isPending}>Change password</SubmitButton>
        </FormActions>
      </Form>
    </section>
  );
}

function TwoFactor() {
  const me = useMe();
  const refreshMe = useRefreshMe();
  const [enrolment, setEnrolment] = useState<{ secret: string; otpauthUri: string } | null>(null);
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const begin = useMutation({
    mutationFn: () => unwrap(api.POST('/v1/me/two-factor', { body: {} })),
    onSuccess: (answer) => setEnrolment(answer),
  });
  const confirm = useMutation({
    mutationFn: () => unwrap(api.POST('/v1/me/two-factor/confirm', { body: { code: code.replace(/\s/g, '') } })),
    onSuccess: async (answer) => {
      setRecoveryCodes(answer.recoveryCodes);
      setEnrolment(null);
      setCode('');
      await refreshMe();
      toast({ title: 'Two-factor is on', variant: 'success' });
    },
  });
  const disable = useMutation({
    mutationFn: () => unwrap(api.DELETE('/v1/me/two-factor', { body: { password } })),
    onSuccess: async () => {
      setPassword('');
      setRecoveryCodes(null);
      await refreshMe();
      toast({ title: 'Two-factor is off', variant: 'info' });
    },
  });
  const confirmErrors = useFieldErrors(confirm.error);
  const disableErrors = useFieldErrors(disable.error);
  return (
    <section className="section card" aria-labelledby="twofactor-title">
      <h2 id="twofactor-title">Two-factor authentication</h2>
      {recoveryCodes ? (
        <div className="secret-box" data-testid="recovery-codes">
          <p>
            <strong>Recovery codes — shown once.</strong> Each signs you in once if you lose your authenticator. Store them somewhere safe.
          </p>
          <pre>{recoveryCodes.join('\n')}</pre>
          <CopyButton value={recoveryCodes.join('\n')} label="Copy codes" />
        </div>
      ) : null}
      {me.user.twoFactorEnabled ? (
        <Form onSubmit={() => disable.mutate()} error={disable.error} pointers={['/password']} aria-label="Turn two-factor off">
          <p>
            Two-factor is <strong>on</strong>. To turn it off, confirm with your password.
          </p>
          <TextField
            label="Password"
            pointer="/password"
            errors={disableErrors}
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={setPassword}
            required
          />
          <FormActions>
            <SubmitButton pending={disable.isPending}>Turn off two-factor</SubmitButton>
          </FormActions>
        </Form>
      ) : enrolment ? (
        <Form onSubmit={() => confirm.mutate()} error={confirm.error} pointers={['/code']} aria-label="Confirm two-factor">
          <p>Add this key to your authenticator app (or open the link on your phone), then enter the code it shows.</p>
          <div className="secret-box">
            <code data-testid="totp-secret">{enrolment.secret.replace(/(.{4})/g, '$1 ').trim()}</code>
            <CopyButton value={enrolment.secret} label="Copy key" />
            <a href={enrolment.otpauthUri} className="button button-small">
              Open in authenticator
            </a>
          </div>
          <TextField
            label="Code"
            pointer="/code"
            errors={confirmErrors}
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            value={code}
            onChange={setCode}
            required
          />
          <FormActions>
            <SubmitButton pending={confirm.isPending}>Turn on two-factor</SubmitButton>
            <button type="button" className="button button-link" onClick={() => setEnrolment(null)}>
              Cancel
            </button>
          </FormActions>
        </Form>
      ) : (
        <div className="stack">
          <p>
            Two-factor is <strong>off</strong>. With it on, signing in also asks for a code from an authenticator app.
          </p>
          <div>
            <button type="button" className="button button-primary" onClick={() => begin.mutate()} disabled={begin.isPending}>
              Set up two-factor
            </button>
          </div>
          {begin.error ? <p className="form-error">{describeError(begin.error)}</p> : null}
        </div>
      )}
    </section>
  );
}

type Session = Schema<'Session'>;

function Sessions() {
  const client = useQueryClient();
  const confirm = useConfirm();
  const sessions = useQuery({ queryKey: ['me', 'sessions'], queryFn: () => unwrap(api.GET('/v1/me/sessions')) });
  const revoke = useMutation({
    mutationFn: (sessionId: string) => unwrap(api.DELETE('/v1/me/sessions/{sessionId}', { params: { path: { sessionId } } })),
    onSuccess: () => {
      toast({ title: 'Session ended', variant: 'success' });
      void client.invalidateQueries({ queryKey: ['me', 'sessions'] });
    },
    onError: (error) => toast({ title: 'The session could not be ended', description: describeError(error), variant: 'error' }),
  });
  const columns: Column<Session>[] = [
    { id: 'userAgent', header: 'Device', cell: (s) => <span title={s.userAgent ?? ''}>{shortAgent(s.userAgent)}</span> },
    { id: 'ip', header: 'IP', cell: (s) => s.ip ?? '—' },
    { id: 'createdAt', header: 'Signed in', cell: (s) => formatDateTime(s.createdAt) },
    { id: 'lastSeenAt', header: 'Last active', cell: (s) => formatRelative(s.lastSeenAt) },
    {
      id: 'actions',
      header: '',
      cell: (s) =>
        s.current ? (
          <span className="pill">this session</span>
        ) : (
          <button
            type="button"
            className="button button-small button-danger"
            onClick={async () => {
              if (
                await confirm({
                  title: 'End this session?',
                  description: `${shortAgent(s.userAgent)} will be signed out.`,
                  confirmLabel: 'End session',
                  destructive: true,
                })
              ) {
                revoke.mutate(s.id);
              }
            }}
          >
            End
          </button>
        ),
    },
  ];
  return (
    <section className="section" aria-labelledby="sessions-title">
      <h2 id="sessions-title">Your sessions</h2>
      <DataTable
        label="Your sessions"
        columns={columns}
        rows={sessions.data?.data ?? []}
        rowId={(s) => s.id}
        isLoading={sessions.isLoading}
        error={sessions.error}
        onRetry={() => void sessions.refetch()}
        storageKey="me-sessions"
      />
    </section>
  );
}

function shortAgent(agent: string | null): string {
  if (!agent) return 'Unknown device';
  const browser = /(Firefox|Edg|Chrome|Safari)\/[\d.]+/.exec(agent)?.[1] ?? 'Browser';
  const os = /(Windows|Mac OS X|Linux|Android|iPhone|iPad)/.exec(agent)?.[1] ?? '';
  return `${browser === 'Edg' ? 'Edge' : browser}${os ? ` on ${os.replace('Mac OS X', 'macOS')}` : ''}`;
}

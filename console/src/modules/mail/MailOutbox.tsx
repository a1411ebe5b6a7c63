import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { usePermissions } from '../../app/session';
import { type Column, DataTable } from '../../components/DataTable';
import { Drawer } from '../../components/Drawer';
import { EmptyState, ErrorState, Loading } from '../../components/States';
import { toast } from '../../components/Toasts';
import { api, describeError, type Schema, unwrap } from '../../lib/api';
import { formatDateTime, formatRelative } from '../../lib/format';
import { useCursorList } from '../../lib/use-cursor-list';
import { MailBody, TokenActions } from './MailBody';
import { MAIL_STATUSES, type MailSearch, type MailStatus, mailOutboxRoute } from './routes';
import './mail.css';

type Mail = Schema<'Mail'>;

const STATUS_LABEL: Record<MailStatus, string> = { stored: 'Stored', queued: 'Queued', sent: 'Sent', failed: 'Failed' };
const STATUS_HELP: Record<MailStatus, string> = {
  stored: 'No SMTP server is configured: kept here only',
  queued: 'Waiting to be sent (again)',
  sent: 'Accepted by the SMTP server',
  failed: 'Delivery gave up',
};
const KINDS = [
  { value: 'password_reset', label: 'Password reset' },
  { value: 'email_verification', label: 'Email verification' },
  { value: 'new_device', label: 'New device' },
  { value: 'sign_up_existing_account', label: 'Sign-up, existing account' },
];
const kindLabel = (kind: string) => KINDS.find((k) => k.value === kind)?.label ?? kind;

export function MailStatusPill({ status }: { status: MailStatus }) {
  const variant = status === 'sent' ? 'pill-success' : status === 'failed' ? 'pill-danger' : status === 'queued' ? 'pill-warning' : '';
  return (
    <span className={`pill mail-status ${variant}`} title={STATUS_HELP[status]}>
      {status}
    </span>
  );
}

const columns: Column<Mail>[] = [
  {
    id: 'createdAt',
    header: 'When',
    width: '9rem',
    cell: (m) => (
      <time dateTime={m.createdAt} title={formatDateTime(m.createdAt)}>
        {formatRelative(m.createdAt)}
      </time>
    ),
  },
  { id: 'to', header: 'To', cell: (m) => m.to },
  { id: 'subject', header: 'Subject', cell: (m) => <span className="mail-subject">{m.subject}</span> },
  { id: 'kind', header: 'Kind', width: '11rem', cell: (m) => <span className="muted">{kindLabel(m.kind)}</span> },
  { id: 'status', header: 'Status', width: '7rem', cell: (m) => <MailStatusPill status={m.status} /> },
  { id: 'attempts', header: 'Attempts', width: '6rem', hiddenByDefault: true, cell: (m) => m.attempts },
  { id: 'sentAt', header: 'Sent', hiddenByDefault: true, cell: (m) => formatDateTime(m.sentAt) },
  { id: 'error', header: 'Last error', hiddenByDefault: true, cell: (m) => m.error ?? '' },
];

/**
 * The mail outbox: what Admiral sent, is sending, gave up on, or (without SMTP) only stored. In development
 * this is where reset and verification mail arrives: open one to read it, follow its link, or copy its code.
 */
export default function MailOutbox() {
  const search = mailOutboxRoute.useSearch();
  const navigate = mailOutboxRoute.useNavigate();
  const { superAdmin } = usePermissions(null);
  const setSearch = (next: MailSearch, replace = false) => void navigate({ search: next, replace });
  const { mail: openId, ...filters } = search;
  const list = useCursorList(
    ['mail-outbox', filters.status, filters.kind, filters.to],
    (cursor) => unwrap(api.GET('/v1/mail-outbox', { params: { query: { cursor, limit: 100, status: filters.status, kind: filters.kind, to: filters.to } } })),
    { enabled: superAdmin },
  );
  const [to, setTo] = useState(filters.to ?? '');
  useEffect(() => setTo(filters.to ?? ''), [filters.to]);
  if (!superAdmin) return <EmptyState title="Super admins only">The mail outbox holds sign-in links; only super admins may read it.</EmptyState>;
  const storedOnly = list.rows.length > 0 && list.rows.every((m) => m.status === 'stored');

  const applyTo = (event: FormEvent) => {
    event.preventDefault();
    setSearch({ ...filters, to: to.trim() || undefined });
  };

  return (
    <div className="page page-wide">
      <header className="page-header">
        <h1>Mail outbox</h1>
        <p className="muted">Every mail Admiral writes (password resets, address confirmations, new-device notices), newest first.</p>
      </header>
      {storedOnly ? (
        <p className="notice mail-notice" role="note">
          No SMTP server is configured (<code>ADMIRAL_SMTP_URL</code>), so mail is stored here instead of being sent. Open a mail to follow its link or copy its
          code.
        </p>
      ) : null}
      <div className="mail-filters">
        <fieldset className="segmented">
          <legend className="visually-hidden">Status</legend>
          {[undefined, ...MAIL_STATUSES].map((status) => (
            <button
              key={status ?? 'all'}
              type="button"
              className="segmented-item"
              aria-pressed={filters.status === status}
              onClick={() => setSearch({ ...filters, status })}
              title={status ? STATUS_HELP[status] : 'Every mail'}
            >
              {status ? STATUS_LABEL[status] : 'All'}
            </button>
          ))}
        </fieldset>
        <select
          className="input mail-kind"
          aria-label="Kind"
          value={filters.kind ?? ''}
          onChange={(e) => setSearch({ ...filters, kind: e.target.value || undefined })}
        >
          <option value="">Any kind</option>
          {KINDS.map((k) => (
            <option key={k.value} value={k.value}>
              {k.label}
            </option>
          ))}
        </select>
        <form onSubmit={applyTo} className="mail-to" aria-label="Find mail by recipient">
          <input
            className="input"
            type="search"
            aria-label="Recipient"
            placeholder="Recipient address (exact)"
            value={to}
            onChange={(e) => setTo(e.target.value)}
          />
          <button type="submit" className="button">
            Find
          </button>
        </form>
      </div>
      <DataTable
        label="Mail"
        storageKey="mail-outbox"
        columns={columns}
        rows={list.rows}
        rowId={(m) => m.id}
        isLoading={list.isLoading}
        error={list.error}
        onRetry={list.refetch}
        hasMore={list.hasMore}
        onLoadMore={list.loadMore}
        loadingMore={list.loadingMore}
        onRowClick={(m) => setSearch({ ...search, mail: m.id })}
        toolbar={
          <button type="button" className="button button-small" onClick={list.refetch}>
            Refresh
          </button>
        }
        empty={
          Object.keys(filters).length > 0 ? (
            <EmptyState
              title="No mail matches"
              action={
                <button type="button" className="button" onClick={() => setSearch({})}>
                  Show all mail
                </button>
              }
            />
          ) : (
            <EmptyState title="No mail yet">Password resets, address confirmations and new-device notices will appear here.</EmptyState>
          )
        }
      />
      <MailDrawer mailId={openId} onClose={() => setSearch(filters)} />
    </div>
  );
}

function MailDrawer({ mailId, onClose }: { mailId: string | undefined; onClose: () => void }) {
  const queryClient = useQueryClient();
  const { can } = usePermissions(null);
  const mail = useQuery({
    queryKey: ['mail-outbox', 'mail', mailId],
    enabled: mailId !== undefined,
    queryFn: () => unwrap(api.GET('/v1/mail-outbox/{mailId}', { params: { path: { mailId: mailId as string } } })),
    // Reading a stored mail's codes is audited: read it once per opening, not on every focus.
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 0,
    refetchOnWindowFocus: false,
  });
  const retry = useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/v1/mail-outbox/{mailId}/retry', { params: { path: { mailId: id } }, body: {} })),
    onSuccess: async (updated) => {
      queryClient.setQueryData(['mail-outbox', 'mail', updated.id], updated);
      await queryClient.invalidateQueries({ queryKey: ['mail-outbox'], exact: false, predicate: (q) => q.queryKey[1] !== 'mail' });
      toast({ title: 'Queued again', description: `${updated.subject} to ${updated.to} will be sent shortly.`, variant: 'success' });
    },
    onError: (error) => toast({ title: 'Not queued', description: describeError(error), variant: 'error' }),
  });
  const m = mail.data;
  return (
    <Drawer
      open={mailId !== undefined}
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
      title={m ? m.subject : 'Mail'}
      description={m ? `To ${m.to} · ${formatDateTime(m.createdAt)}` : undefined}
      actions={
        m?.status === 'failed' ? (
          <button
            type="button"
            className="button button-primary"
            onClick={() => retry.mutate(m.id)}
            disabled={!can('mail.manage') || retry.isPending}
            title={can('mail.manage') ? 'Send it again, with a fresh set of attempts' : 'You lack the permission mail.manage'}
          >
            {retry.isPending ? 'Queuing…' : 'Retry'}
          </button>
        ) : null
      }
    >
      {mail.isLoading ? <Loading /> : null}
      {mail.error ? <ErrorState error={mail.error} onRetry={() => void mail.refetch()} /> : null}
      {m ? (
        <div className="mail-detail" data-testid="mail-detail">
          <dl className="mail-facts">
            <dt>Status</dt>
            <dd>
              <MailStatusPill status={m.status} /> <span className="muted">{STATUS_HELP[m.status]}</span>
            </dd>
            <dt>Kind</dt>
            <dd>{kindLabel(m.kind)}</dd>
            {m.attempts > 0 ? (
              <>
                <dt>Attempts</dt>
                <dd>
                  {m.attempts}
                  {m.lastAttemptAt ? <span className="muted"> · last {formatDateTime(m.lastAttemptAt)}</span> : null}
                  {m.nextAttemptAt ? <span className="muted"> · next {formatDateTime(m.nextAttemptAt)}</span> : null}
                </dd>
              </>
            ) : null}
            {m.sentAt ? (
              <>
                <dt>Sent</dt>
                <dd>{formatDateTime(m.sentAt)}</dd>
              </>
            ) : null}
            {m.error ? (
              <>
                <dt>Last error</dt>
                <dd className="mail-error">{m.error}</dd>
              </>
            ) : null}
          </dl>
          {m.redacted ? (
            <p className="notice" role="note">
              Sign-in codes in this mail are shown as [redacted]:{' '}
              {m.status === 'stored' ? 'only super admins may read them.' : 'the mail went out through SMTP, so its codes stay with the recipient.'}
            </p>
          ) : (
            <TokenActions kind={m.kind} text={m.text} />
          )}
          <MailBody text={m.text} />
        </div>
      ) : null}
    </Drawer>
  );
}

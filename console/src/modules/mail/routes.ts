import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { platformRoute } from '../../app/routes';

export const MAIL_STATUSES = ['stored', 'queued', 'sent', 'failed'] as const;
export type MailStatus = (typeof MAIL_STATUSES)[number];

export interface MailSearch {
  status?: MailStatus;
  kind?: string;
  to?: string;
  /** The mail open in the drawer. */
  mail?: string;
}

function mailSearch(search: Record<string, unknown>): MailSearch {
  const out: MailSearch = {};
  if (typeof search.status === 'string' && (MAIL_STATUSES as readonly string[]).includes(search.status)) out.status = search.status as MailStatus;
  for (const key of ['kind', 'to', 'mail'] as const) {
    const value = search[key];
    if (typeof value === 'string' && value.trim()) out[key] = value.trim();
  }
  return out;
}

/** `/platform/mail`: the mail outbox (super admins). */
export const mailOutboxRoute = createRoute({
  getParentRoute: () => platformRoute,
  path: 'mail',
  validateSearch: mailSearch,
  component: lazyRouteComponent(() => import('./MailOutbox')),
});

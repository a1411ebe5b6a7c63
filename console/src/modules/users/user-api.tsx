import { queryOptions } from '@tanstack/react-query';
import { api, type Schema, unwrap } from '../../lib/api';
import { formatDateTime } from '../../lib/format';

export type User = Schema<'User'>;
export type UserDetail = Schema<'UserDetail'>;
export type Membership = Schema<'Membership'>;

/** Page size of the long lists: the API's largest, so one request fills a screen many times over. */
export const PAGE_SIZE = 200;

/** One user with their staff profile, and the ETag that PATCH's If-Match compares (so an edit never overwrites unseen changes). */
export const userQuery = (userId: string) =>
  queryOptions({
    queryKey: ['users', userId],
    queryFn: async () => {
      const call = api.GET('/v1/users/{userId}', { params: { path: { userId } } });
      const user = await unwrap(call);
      return { user, etag: (await call).response.headers.get('etag') ?? undefined };
    },
  });

/** The site's roles, for role pickers and names (system roles first, as the API answers them). */
export const siteRolesQuery = (siteId: string) =>
  queryOptions({
    queryKey: ['roles', siteId],
    queryFn: () => unwrap(api.GET('/v1/sites/{siteId}/roles', { params: { path: { siteId } } })),
    staleTime: 60_000,
  });

export const displayName = (user: Pick<User, 'email' | 'name' | 'displayName'>) => user.displayName ?? user.name ?? user.email;

/** Whether a ban is in force now (an expired one still shows `banned` until the job or a sign-in clears it). */
export const banInForce = (user: Pick<User, 'banned' | 'banExpires'>) => user.banned && (user.banExpires === null || Date.parse(user.banExpires) > Date.now());

/** The account's state at a glance: status, ban (with its end), super admin, two-factor. */
export function UserBadges({ user, compact = false }: { user: User; compact?: boolean }) {
  return (
    <span className="user-badges">
      {user.status === 'active' ? (
        compact ? null : (
          <span className="pill pill-success">active</span>
        )
      ) : (
        <span className={`pill ${user.status === 'deleted' ? 'pill-danger' : 'pill-warning'}`}>{user.status}</span>
      )}
      {banInForce(user) ? (
        <span className="pill pill-danger" title={user.banReason ?? undefined}>
          banned{user.banExpires ? ` until ${formatDateTime(user.banExpires)}` : ''}
        </span>
      ) : null}
      {user.isSuperAdmin ? <span className="pill users-pill-admin">super admin</span> : null}
      {!compact && user.twoFactorEnabled ? <span className="pill">2FA</span> : null}
    </span>
  );
}

/** A short description of a browser's user agent: "Chrome on Linux". */
export function shortAgent(agent: string | null): string {
  if (!agent) return 'Unknown device';
  const browser = /(Firefox|Edg|Chrome|Safari)\/[\d.]+/.exec(agent)?.[1] ?? (agent.length > 40 ? `${agent.slice(0, 40)}…` : agent);
  const os = /(Windows|Mac OS X|Linux|Android|iPhone|iPad)/.exec(agent)?.[1] ?? '';
  return `${browser === 'Edg' ? 'Edge' : browser}${os ? ` on ${os.replace('Mac OS X', 'macOS')}` : ''}`;
}

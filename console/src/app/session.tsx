import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { api, isProblem, type Schema, unwrap } from '../lib/api';

export type Me = {
  user: Schema<'User'>;
  impersonatedBy: string | null;
  sites: Array<{
    id: string;
    name: string;
    slug: string;
    status: string;
    role: { key: string; name: string };
    permissions: string[];
    ownOnlyPermissions: string[];
  }>;
};
export type Site = { id: string; name: string; slug: string; status: string };

/** GET /v1/me: who is signed in, and what they may do on each site. `null` when nobody is. */
export const meQuery = queryOptions({
  queryKey: ['me'],
  queryFn: async (): Promise<Me | null> => {
    try {
      return (await unwrap(api.GET('/v1/me'))) as Me;
    } catch (error) {
      if (isProblem(error, 401)) return null;
      throw error;
    }
  },
  staleTime: 60_000,
});

/** The sites the caller can switch between: every site for a super admin, else their memberships. */
export const sitesQuery = (me: Me) =>
  queryOptions({
    queryKey: ['switchable-sites', me.user.id, me.user.isSuperAdmin],
    queryFn: async (): Promise<Site[]> => {
      if (!me.user.isSuperAdmin || me.impersonatedBy) return me.sites;
      const page = await unwrap(api.GET('/v1/sites', { params: { query: { limit: 200 } } }));
      return [...page.data].sort((a, b) => a.name.localeCompare(b.name));
    },
    staleTime: 60_000,
  });

let lastMe: Me | null = null;

/**
 * The signed-in caller (the authenticated layout guarantees one). While a 401 is sending the console back
 * to sign-in, screens still being unmounted keep the last known caller instead of crashing.
 */
export function useMe(): Me {
  const { data } = useQuery(meQuery);
  if (data) lastMe = data;
  if (!lastMe) throw new Error('useMe() outside the signed-in layout');
  return data ?? lastMe;
}

export function useRefreshMe() {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: ['me'] });
}

/** After signing in (or setup): load the new caller before navigating, so the layout sees them at once. */
export function useLoadMe() {
  const client = useQueryClient();
  return async () => {
    client.removeQueries({ queryKey: ['switchable-sites'] });
    return client.fetchQuery({ ...meQuery, staleTime: 0 });
  };
}

/**
 * After the session cookie changed identity under a mounted layout (an impersonation began or ended): drop
 * everything cached about the previous caller and load the new one into the same `me` query, so that
 * mounted screens see the switch at once.
 */
export function useReloadIdentity() {
  const client = useQueryClient();
  return async () => {
    client.removeQueries({ predicate: (query) => query.queryKey[0] !== 'me' });
    return client.fetchQuery({ ...meQuery, staleTime: 0 });
  };
}

export interface Permissions {
  superAdmin: boolean;
  /** Whether the caller holds `permission` on `siteId` (platform permissions: super admins only). */
  can(permission: string, siteId?: string | null): boolean;
  /** Whether the caller holds it only on rows they own (`own` condition). */
  ownOnly(permission: string, siteId?: string | null): boolean;
}

export function permissionsOf(me: Me | null | undefined, currentSiteId: string | null): Permissions {
  const superAdmin = Boolean(me?.user.isSuperAdmin && !me.impersonatedBy);
  const site = (id: string | null | undefined) => me?.sites.find((s) => s.id === (id ?? currentSiteId));
  return {
    superAdmin,
    can: (permission, siteId) => superAdmin || Boolean(site(siteId)?.permissions.includes(permission)),
    ownOnly: (permission, siteId) => !superAdmin && Boolean(site(siteId)?.ownOnlyPermissions.includes(permission)),
  };
}

/** The site in the URL (`/sites/$siteId/…`), or null on platform and account pages. */
export function useCurrentSiteId(): string | null {
  const params = useParams({ strict: false }) as { siteId?: string };
  return params.siteId ?? null;
}

/** What the caller may do, from GET /v1/me. The server enforces it anyway; this only hides and disables. */
export function usePermissions(siteId?: string | null): Permissions {
  const { data } = useQuery(meQuery);
  const current = useCurrentSiteId();
  return permissionsOf(data, siteId === undefined ? current : siteId);
}

/**
 * Renders `children` only when the caller holds `permission` (on `site`, default the current site);
 * `fallback` otherwise. For a disabled control instead, use `usePermissions().can(...)`.
 */
export function Can({ permission, site, children, fallback = null }: { permission: string; site?: string | null; children: ReactNode; fallback?: ReactNode }) {
  return <>{usePermissions(site).can(permission) ? children : fallback}</>;
}

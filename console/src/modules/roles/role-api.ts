import { queryOptions } from '@tanstack/react-query';
import { api, type Schema, unwrap } from '../../lib/api';

export type Role = Schema<'Role'>;
export type RoleGrant = Schema<'RoleGrant'>;
export type Membership = Schema<'Membership'>;

/** A response's data and its ETag (sent back as If-Match, so two people editing a role cannot overwrite each other). */
export async function withEtag<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<{ data: T; etag: string | null }> {
  const result = await call;
  const data = await unwrap(Promise.resolve(result));
  return { data, etag: result.response.headers.get('etag') };
}

export const rolesQuery = (siteId: string) =>
  queryOptions({
    queryKey: ['roles', siteId],
    queryFn: async () => (await unwrap(api.GET('/v1/sites/{siteId}/roles', { params: { path: { siteId } } }))).data,
  });

export const roleQuery = (siteId: string, roleId: string) =>
  queryOptions({
    queryKey: ['roles', siteId, roleId],
    queryFn: () => withEtag(api.GET('/v1/sites/{siteId}/roles/{roleId}', { params: { path: { siteId, roleId } } })),
  });

import { queryOptions } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import type { CatalogPermission } from './grants';

export * from './grants';

/** The catalog changes only when Admiral is upgraded: fetched once per page load. */
export const catalogQuery = queryOptions({
  queryKey: ['permissions-catalog'],
  queryFn: async () => (await unwrap(api.GET('/v1/permissions'))).data as CatalogPermission[],
  staleTime: Number.POSITIVE_INFINITY,
});

import { type QueryKey, useInfiniteQuery } from '@tanstack/react-query';
import { useMemo } from 'react';

export interface Page<Row> {
  data: Row[];
  nextCursor: string | null;
}

/**
 * A cursor-paginated list (`{ data, nextCursor }`) as one growing array, for `<DataTable>`:
 *
 *   const list = useCursorList(['roles', siteId, sort], (cursor) =>
 *     unwrap(api.GET('/v1/sites/{siteId}/roles', { params: { path: { siteId }, query: { cursor, sort } } })));
 *   <DataTable rows={list.rows} hasMore={list.hasMore} onLoadMore={list.loadMore} … />
 */
export function useCursorList<Row>(queryKey: QueryKey, fetchPage: (cursor: string | undefined) => Promise<Page<Row>>, options: { enabled?: boolean } = {}) {
  const query = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: options.enabled,
  });
  const rows = useMemo(() => query.data?.pages.flatMap((p) => p.data) ?? [], [query.data]);
  return {
    rows,
    isLoading: query.isLoading,
    error: query.error,
    refetch: () => void query.refetch(),
    hasMore: query.hasNextPage,
    loadMore: () => void query.fetchNextPage(),
    loadingMore: query.isFetchingNextPage,
  };
}

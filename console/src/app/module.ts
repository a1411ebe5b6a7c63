import type { QueryFunctionContext, QueryKey } from '@tanstack/react-query';
import type { AnyRoute } from '@tanstack/react-router';

/** One sidebar link. `to` is relative: `users` → `/sites/<current>/users` (site) or `/platform/users` (platform). */
export interface NavEntry {
  label: string;
  to: string;
  scope: 'site' | 'platform';
  /** Hidden unless the caller holds it (on the current site for site entries; super admins hold everything). */
  permission?: string;
  /** Sidebar group heading, when not the module's own label (entries with the same heading share a group). */
  group?: string;
}

/** Sidebar entries known only at run time (e.g. one per resource of GET /v1/meta/resources), loaded with TanStack Query. */
export interface NavQuery {
  queryKey: QueryKey;
  queryFn: (context: QueryFunctionContext) => Promise<NavEntry[]>;
  staleTime?: number;
}

/**
 * What a console module contributes: sidebar entries under its group heading, and routes hung under the
 * site, platform or signed-in frame (created with `getParentRoute: () => siteRoute` etc.).
 */
export interface ConsoleModule {
  name: string;
  /** Sidebar group heading. */
  label: string;
  nav?: NavEntry[];
  /** Entries added at run time; shown after `nav`, and while loading or on error simply absent. */
  navQuery?: NavQuery;
  siteRoutes?: AnyRoute[];
  platformRoutes?: AnyRoute[];
  appRoutes?: AnyRoute[];
}

export const defineConsoleModule = (module: ConsoleModule): ConsoleModule => module;

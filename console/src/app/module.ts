import type { AnyRoute } from '@tanstack/react-router';

/** One sidebar link. `to` is relative: `users` → `/sites/<current>/users` (site) or `/platform/users` (platform). */
export interface NavEntry {
  label: string;
  to: string;
  scope: 'site' | 'platform';
  /** Hidden unless the caller holds it (on the current site for site entries; super admins hold everything). */
  permission?: string;
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
  siteRoutes?: AnyRoute[];
  platformRoutes?: AnyRoute[];
  appRoutes?: AnyRoute[];
}

export const defineConsoleModule = (module: ConsoleModule): ConsoleModule => module;

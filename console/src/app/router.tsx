import type { QueryClient } from '@tanstack/react-query';
import { createRouter } from '@tanstack/react-router';
import { Loading } from '../components/States';
import { consoleModules } from '../modules';
import {
  appRoute,
  homeRoute,
  platformRoute,
  profileRoute,
  resetPasswordRoute,
  rootRoute,
  setupRoute,
  signInRoute,
  siteHomeRoute,
  siteRoute,
  verifyEmailRoute,
} from './routes';

export function buildRouteTree() {
  const from = (key: 'siteRoutes' | 'platformRoutes' | 'appRoutes') => consoleModules.flatMap((m) => m[key] ?? []);
  return rootRoute.addChildren([
    signInRoute,
    setupRoute,
    resetPasswordRoute,
    verifyEmailRoute,
    appRoute.addChildren([
      homeRoute,
      profileRoute,
      siteRoute.addChildren([siteHomeRoute, ...from('siteRoutes')]),
      platformRoute.addChildren(from('platformRoutes')),
      ...from('appRoutes'),
    ]),
  ]);
}

/**
 * The router is deliberately not registered for global route typing: modules contribute routes at run
 * time (modules/index.ts), so `to` is a plain path string and params are read with `Route.useParams()`.
 */
export function createConsoleRouter(queryClient: QueryClient) {
  return createRouter({
    routeTree: buildRouteTree(),
    context: { queryClient },
    defaultPreload: 'intent',
    // Data lives in TanStack Query; the router should not cache loader results on top of it.
    defaultPreloadStaleTime: 0,
    defaultPendingComponent: Loading,
    defaultPendingMs: 150,
    scrollRestoration: true,
  });
}

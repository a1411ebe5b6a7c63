import type { QueryClient } from '@tanstack/react-query';
import { createRootRouteWithContext, createRoute, lazyRouteComponent, Outlet, redirect } from '@tanstack/react-router';
import { ConfirmProvider } from '../components/ConfirmDialog';
import { ErrorState, NotFound } from '../components/States';
import { Toaster } from '../components/Toasts';
import { AppLayout, SiteLayout } from './layout/AppLayout';
import { meQuery, sitesQuery } from './session';

export interface RouterContext {
  queryClient: QueryClient;
}

/**
 * The route tree's fixed frame. Screens hang their routes under `siteRoute` (`/sites/$siteId/…`, the site
 * is in the URL so a page can never act on another site than the one shown), `platformRoute`
 * (`/platform/…`, super-admin screens) or `appRoute` (signed-in, no site). See docs/console.md.
 */
export const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: () => (
    <ConfirmProvider>
      <Outlet />
      <Toaster />
    </ConfirmProvider>
  ),
  notFoundComponent: NotFound,
  errorComponent: ({ error, reset }) => <ErrorState error={error} onRetry={reset} />,
});

const searchRedirect = (search: Record<string, unknown>) => ({ redirect: typeof search.redirect === 'string' ? search.redirect : undefined });

export const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sign-in',
  validateSearch: searchRedirect,
  component: lazyRouteComponent(() => import('../modules/auth/SignIn')),
});

export const setupRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/setup',
  component: lazyRouteComponent(() => import('../modules/auth/Setup')),
});

const searchToken = (search: Record<string, unknown>) => ({ token: typeof search.token === 'string' ? search.token : undefined });

/** Where the password-reset mail links to (`/reset-password?token=…`, see identity's VerificationService). */
export const resetPasswordRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/reset-password',
  validateSearch: searchToken,
  component: lazyRouteComponent(() => import('../modules/auth/ResetPassword')),
});

export const verifyEmailRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/verify-email',
  validateSearch: searchToken,
  component: lazyRouteComponent(() => import('../modules/auth/VerifyEmail')),
});

/** Everything behind sign-in. Loads GET /v1/me first; nobody signed in → /sign-in?redirect=… */
export const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'app',
  beforeLoad: async ({ context, location }) => {
    const me = await context.queryClient.ensureQueryData(meQuery);
    if (!me) throw redirect({ to: '/sign-in', search: { redirect: location.href === '/' ? undefined : location.href } });
    return { me };
  },
  component: AppLayout,
});

/** `/`: the last site used, else the first one; a super admin without sites goes to create one. */
export const homeRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/',
  beforeLoad: async ({ context }) => {
    const sites = await context.queryClient.ensureQueryData(sitesQuery(context.me));
    const last = localStorage.getItem('admiral.lastSite');
    const site = sites.find((s) => s.id === last) ?? sites[0];
    if (site) throw redirect({ to: '/sites/$siteId', params: { siteId: site.id } });
  },
  component: lazyRouteComponent(() => import('../modules/overview/NoSites')),
});

/** `/sites/$siteId/…`: one site's screens. Unknown or inaccessible site ids end here with a clear error. */
export const siteRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'sites/$siteId',
  beforeLoad: async ({ context, params }) => {
    const sites = await context.queryClient.ensureQueryData(sitesQuery(context.me));
    const site = sites.find((s) => s.id === params.siteId.toLowerCase());
    if (!site) throw new Error('This site does not exist or you have no access to it. Pick a site from the switcher.');
    localStorage.setItem('admiral.lastSite', site.id);
    return { site };
  },
  component: SiteLayout,
});

export const siteHomeRoute = createRoute({
  getParentRoute: () => siteRoute,
  path: '/',
  component: lazyRouteComponent(() => import('../modules/overview/Overview')),
});

/** `/platform/…`: screens about the whole installation (users, sites); super admins. */
export const platformRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'platform',
  component: Outlet,
});

export const profileRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'profile',
  component: lazyRouteComponent(() => import('../modules/profile/Profile')),
});

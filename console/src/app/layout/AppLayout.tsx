import { useQueries } from '@tanstack/react-query';
import { Link, Outlet, useRouterState } from '@tanstack/react-router';
import { consoleModules } from '../../modules';
import type { NavEntry, NavQuery } from '../module';
import { siteRoute } from '../routes';
import { permissionsOf, useCurrentSiteId, useMe } from '../session';
import { ImpersonationBanner } from './ImpersonationBanner';
import { SiteBadge, SiteSwitcher } from './SiteSwitcher';
import { ThemeToggle } from './ThemeToggle';
import { UserMenu } from './UserMenu';

/** The signed-in frame: banner, header (site switcher, theme, user menu), sidebar, content. */
export function AppLayout() {
  return (
    <div className="app">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <ImpersonationBanner />
      <header className="topbar">
        <Link to="/" className="brand" aria-label="Admiral home">
          <span className="brand-mark" aria-hidden="true">
            ⚓
          </span>
          Admiral
        </Link>
        <SiteSwitcher />
        <div className="topbar-spacer" />
        <ThemeToggle />
        <UserMenu />
      </header>
      <div className="app-body">
        <Sidebar />
        <main id="main" className="content" tabIndex={-1}>
          <Outlet />
        </main>
      </div>
    </div>
  );
}

function Sidebar() {
  const me = useMe();
  const siteId = useCurrentSiteId();
  const permissions = permissionsOf(me, siteId);
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  const withRuntimeNav = consoleModules.filter((module) => module.navQuery);
  const runtimeNav = useQueries({ queries: withRuntimeNav.map((module) => module.navQuery as NavQuery) });
  const runtimeEntries = new Map(withRuntimeNav.map((module, index) => [module.name, runtimeNav[index]?.data ?? []]));
  // Entries go under their module's heading, or the heading they name; one group per heading, first-seen order.
  const byHeading = new Map<string, { key: string; label: string; entries: NavEntry[] }>();
  for (const module of consoleModules) {
    for (const entry of [...(module.nav ?? []), ...(runtimeEntries.get(module.name) ?? [])]) {
      if (entry.scope === 'site' && !siteId) continue;
      if (entry.scope === 'platform' && !permissions.superAdmin) continue;
      if (entry.permission && !permissions.can(entry.permission)) continue;
      const label = entry.group ?? module.label;
      const group = byHeading.get(label) ?? { key: module.name, label, entries: [] };
      byHeading.set(label, group);
      group.entries.push(entry);
    }
  }
  const groups = [...byHeading.values()];
  return (
    <nav className="sidebar" aria-label="Sections">
      {groups.map(({ key, label, entries }) => (
        <div className="nav-group" key={`${key}:${label}`}>
          <div className="nav-group-label">{label}</div>
          <ul>
            {entries.map((entry) => {
              const href = entry.scope === 'site' ? `/sites/${siteId}${entry.to ? `/${entry.to}` : ''}` : `/platform/${entry.to}`;
              const active = entry.to === '' ? pathname === href || pathname === `${href}/` : pathname === href || pathname.startsWith(`${href}/`);
              return (
                <li key={`${entry.scope}:${entry.to}`}>
                  <Link
                    to={href}
                    className={`nav-link${active ? ' active' : ''}`}
                    aria-current={active ? 'page' : undefined}
                    // The router's own "active" (a parent path counts) would also light up Overview on every site screen.
                    activeOptions={{ exact: true, includeSearch: false }}
                  >
                    {entry.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
      {!siteId ? <p className="nav-hint muted">Choose a site in the switcher to see its sections.</p> : null}
    </nav>
  );
}

/** `/sites/$siteId/…`: a stripe in the site's colour says which site every screen below acts on. */
export function SiteLayout() {
  const { site } = siteRoute.useRouteContext();
  return (
    <div className="site-frame" data-site-id={site.id}>
      <div className="site-stripe" role="note" aria-label="Current site">
        Working on <SiteBadge site={site} />
        {site.status !== 'active' ? <span className="pill pill-warning">{site.status}</span> : null}
      </div>
      <Outlet />
    </div>
  );
}

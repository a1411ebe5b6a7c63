import * as DropdownMenu from '@radix-ui/react-dropdown-menu';
import { useQuery } from '@tanstack/react-query';
import { useNavigate, useRouterState } from '@tanstack/react-router';
import type { CSSProperties } from 'react';
import { siteHue } from '../../lib/site-color';
import { type Site, sitesQuery, useCurrentSiteId, useMe } from '../session';

export function SiteBadge({ site }: { site: Pick<Site, 'id' | 'name' | 'slug'> }) {
  return (
    <span className="site-badge" style={{ '--site-hue': siteHue(site.id) } as CSSProperties} data-testid="site-badge">
      <span className="site-dot" aria-hidden="true" />
      <span className="site-name">{site.name}</span>
      <span className="site-slug">{site.slug}</span>
    </span>
  );
}

/**
 * The current site, always visible, with its own colour; switching keeps the section (users, roles…) but
 * never carries a record id from one site to another.
 */
export function SiteSwitcher() {
  const me = useMe();
  const { data: sites = [] } = useQuery(sitesQuery(me));
  const siteId = useCurrentSiteId();
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  const navigate = useNavigate();
  const current = sites.find((s) => s.id === siteId);
  const section = siteId ? (pathname.split('/')[3] ?? '') : '';
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger className="site-switcher" aria-label={current ? `Current site: ${current.name} (${current.slug}). Switch site` : 'Choose a site'}>
        {current ? (
          <SiteBadge site={current} />
        ) : (
          <span className="site-badge site-badge-none">{pathname.startsWith('/platform') ? 'Platform' : 'No site'}</span>
        )}
        <span aria-hidden="true" className="chevron">
          ▾
        </span>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className="menu menu-sites" align="start" sideOffset={4}>
          <DropdownMenu.Label className="menu-label">Switch site</DropdownMenu.Label>
          {sites.length === 0 ? <div className="menu-empty">No sites yet</div> : null}
          {sites.map((site) => (
            <DropdownMenu.Item
              key={site.id}
              className="menu-item"
              data-current={site.id === siteId || undefined}
              onSelect={() => navigate({ to: section ? `/sites/${site.id}/${section}` : `/sites/${site.id}` })}
            >
              <SiteBadge site={site} />
              {site.id === siteId ? <span className="menu-hint">current</span> : null}
            </DropdownMenu.Item>
          ))}
          {me.user.isSuperAdmin && !me.impersonatedBy ? (
            <>
              <DropdownMenu.Separator className="menu-separator" />
              <DropdownMenu.Item className="menu-item" onSelect={() => navigate({ to: '/platform/sites' })}>
                All sites…
              </DropdownMenu.Item>
              <DropdownMenu.Item className="menu-item" onSelect={() => navigate({ to: '/platform/sites', search: { create: true } })}>
                Create site…
              </DropdownMenu.Item>
            </>
          ) : null}
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}

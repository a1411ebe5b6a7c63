import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { siteRoute } from '../../app/routes';

/** What a content list shows, kept in the URL so a filtered list can be linked and reloaded. */
export interface ContentListSearch {
  status?: string;
  q?: string;
  authorId?: string;
  sort?: string;
}

const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);

export function contentListSearch(search: Record<string, unknown>): ContentListSearch {
  return { status: text(search.status), q: text(search.q), authorId: text(search.authorId), sort: text(search.sort) };
}

/** The editor's open side panel. */
export type EditorPanel = 'history' | 'reviews' | 'seo';
export interface EditorSearch {
  panel?: EditorPanel;
}

export function editorSearch(search: Record<string, unknown>): EditorSearch {
  const panel = search.panel === 'history' || search.panel === 'reviews' || search.panel === 'seo' ? search.panel : undefined;
  return { panel };
}

export const articlesRoute = createRoute({
  getParentRoute: () => siteRoute,
  path: 'articles',
  validateSearch: contentListSearch,
  component: lazyRouteComponent(() => import('./ArticlesScreen')),
});

export const articleNewRoute = createRoute({
  getParentRoute: () => siteRoute,
  path: 'articles/new',
  component: lazyRouteComponent(() => import('./NewArticle')),
});

export const articleRoute = createRoute({
  getParentRoute: () => siteRoute,
  path: 'articles/$contentId',
  validateSearch: editorSearch,
  component: lazyRouteComponent(() => import('./EditArticle')),
});

export const pagesRoute = createRoute({
  getParentRoute: () => siteRoute,
  path: 'pages',
  validateSearch: contentListSearch,
  component: lazyRouteComponent(() => import('./PagesScreen')),
});

export const pageNewRoute = createRoute({
  getParentRoute: () => siteRoute,
  path: 'pages/new',
  component: lazyRouteComponent(() => import('./NewPage')),
});

export const pageRoute = createRoute({
  getParentRoute: () => siteRoute,
  path: 'pages/$contentId',
  validateSearch: editorSearch,
  component: lazyRouteComponent(() => import('./EditPage')),
});

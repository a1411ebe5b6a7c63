import { defineConsoleModule } from '../../app/module';
import { articleNewRoute, articleRoute, articlesRoute, pageNewRoute, pageRoute, pagesRoute } from './routes';

/** Articles and pages: lists, the Markdown editor, the lifecycle, versions and reviews (docs/console.md, "Content"). */
export const contentModule = defineConsoleModule({
  name: 'content',
  label: 'Content',
  nav: [
    { label: 'Articles', to: 'articles', scope: 'site', permission: 'articles.read' },
    { label: 'Pages', to: 'pages', scope: 'site', permission: 'pages.read' },
  ],
  siteRoutes: [articlesRoute, articleNewRoute, articleRoute, pagesRoute, pageNewRoute, pageRoute],
});

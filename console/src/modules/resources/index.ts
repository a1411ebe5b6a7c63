import { defineConsoleModule } from '../../app/module';
import { resourceNavQuery } from './meta';
import { resourceDetailRoute, resourceEditRoute, resourceListRoute, resourceNewRoute } from './routes';

/**
 * Generic screens for every resource of GET /v1/meta/resources (list, detail, create, edit, delete), and
 * one sidebar entry per resource under its group. A module that declares a resource gets them for free.
 */
export const resourcesModule = defineConsoleModule({
  name: 'resources',
  label: 'Resources',
  navQuery: resourceNavQuery,
  siteRoutes: [resourceListRoute, resourceNewRoute, resourceDetailRoute, resourceEditRoute],
});

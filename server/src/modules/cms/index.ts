import type { AdmiralApp } from '../../kernel/http/app-types.js';
import { defineModule, type Kernel } from '../../kernel/module.js';
import type { WorkflowEngine } from '../workflows/index.js';
import { contentRoutes } from './content-routes.js';
import { cmsJobs } from './jobs.js';
import { cmsPermissions } from './permissions.js';
import { publicRoutes } from './public-routes.js';
import {
  articleCategories,
  articles,
  articleTags,
  articleVersions,
  categories,
  contentReviews,
  contentTemplates,
  pages,
  pageVersions,
  seoMetadata,
  tags,
} from './schema.js';
import { searchRoutes } from './search-routes.js';
import { cmsResources } from './taxonomy-resources.js';

export { CMS_PERMISSIONS } from './permissions.js';
export { articles, articleVersions, pages, pageVersions } from './schema.js';

/** Editorial content: articles, pages, versions, reviews, templates, search, public reads. */
export function cmsModule(dependencies: { workflows: WorkflowEngine }) {
  return defineModule({
    name: 'cms',
    tables: { categories, tags, contentTemplates, articles, articleVersions, contentReviews, articleCategories, articleTags, pages, pageVersions, seoMetadata },
    permissions: cmsPermissions,
    resources: cmsResources,
    jobs: cmsJobs,
    routes: {
      tenant: (app: AdmiralApp, kernel: Kernel) => {
        contentRoutes(app, kernel, dependencies.workflows);
        searchRoutes(app, kernel);
        publicRoutes(app, kernel);
      },
    },
  });
}

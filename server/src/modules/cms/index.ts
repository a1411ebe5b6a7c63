import { defineModule } from '../../kernel/module.js';
import type { WorkflowEngine } from '../workflows/index.js';
import { articleCategories, articles, articleTags, articleVersions, categories, contentReviews, contentTemplates, pages, pageVersions, seoMetadata, tags } from './schema.js';

export { articles, articleVersions, pages, pageVersions } from './schema.js';

/** Editorial content: articles, pages, versions, reviews, templates, search, public reads. */
export function cmsModule(_dependencies: { workflows: WorkflowEngine }) {
  return defineModule({
    name: 'cms',
    tables: { categories, tags, contentTemplates, articles, articleVersions, contentReviews, articleCategories, articleTags, pages, pageVersions, seoMetadata },
  });
}

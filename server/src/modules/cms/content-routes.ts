import { Type } from '@sinclair/typebox';
import type { AdmiralApp } from '../../kernel/http/app-types.js';
import type { Kernel } from '../../kernel/module.js';
import type { WorkflowEngine } from '../workflows/index.js';
import { articleRoutes } from './article-routes.js';
import { ArticleParams, ArticleSchema, ArticleVersionParams, ArticleVersionSchema, articleSchemas } from './article-schemas.js';
import { ArticleService } from './article-service.js';
import { sharedContentSchemas } from './content-schemas.js';
import { articleKind, pageKind } from './kinds.js';
import { ContentLifecycle } from './lifecycle.js';
import { type ContentRouteSpec, lifecycleRoutes } from './lifecycle-routes.js';
import { pageRoutes } from './page-routes.js';
import { PageParams, PageSchema, PageVersionParams, PageVersionSchema, pageSchemas } from './page-schemas.js';
import { PageService } from './page-service.js';
import { ContentPublishing } from './publishing.js';
import { ContentReviews } from './reviews.js';
import { versionRoutes } from './version-routes.js';
import { contentVersions } from './versions.js';

/** Articles and pages: editing, versions, reviews, publishing. */
export function contentRoutes(app: AdmiralApp, kernel: Kernel, workflows: WorkflowEngine): void {
  for (const schema of [...sharedContentSchemas, ...articleSchemas, ...pageSchemas]) app.addSchema(schema);
  const lifecycle = new ContentLifecycle(kernel.audit, workflows);
  lifecycle.registerTargets();
  const services = { lifecycle, publishing: new ContentPublishing(kernel.audit, kernel.jobs, workflows), reviews: new ContentReviews(kernel.audit, workflows) };
  const articles = new ArticleService(kernel.audit, lifecycle);
  const pages = new PageService(kernel.audit, lifecycle);

  const articleSpec: ContentRouteSpec = {
    kind: articleKind,
    plural: 'articles',
    idParam: 'articleId',
    params: ArticleParams,
    item: Type.Ref(ArticleSchema),
    tags: ['Articles'],
    noun: 'Article',
  };
  const pageSpec: ContentRouteSpec = {
    kind: pageKind,
    plural: 'pages',
    idParam: 'pageId',
    params: PageParams,
    item: Type.Ref(PageSchema),
    tags: ['Pages'],
    noun: 'Page',
  };

  articleRoutes(app, articles);
  lifecycleRoutes(app, articleSpec, services);
  versionRoutes(app, {
    ...articleSpec,
    versionParams: ArticleVersionParams,
    version: Type.Ref(ArticleVersionSchema),
    readVersion: (tx, siteId, id, versionNo) => contentVersions.article(tx, siteId, id, versionNo),
    restore: (tx, actor, caller, siteId, id, versionNo, ifMatch) => articles.restore(tx, actor, caller, siteId, id, versionNo, ifMatch),
  });

  pageRoutes(app, pages);
  lifecycleRoutes(app, pageSpec, services);
  versionRoutes(app, {
    ...pageSpec,
    versionParams: PageVersionParams,
    version: Type.Ref(PageVersionSchema),
    readVersion: (tx, siteId, id, versionNo) => contentVersions.page(tx, siteId, id, versionNo),
    restore: (tx, actor, caller, siteId, id, versionNo, ifMatch) => pages.restore(tx, actor, caller, siteId, id, versionNo, ifMatch),
  });
}

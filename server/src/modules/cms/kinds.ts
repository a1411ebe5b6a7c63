import type { Tx } from '../../kernel/db/transaction.js';
import { notFound } from '../../kernel/http/problem.js';
import { applyArticleState, lockArticleState, readArticle } from './article-store.js';
import type { ContentKind, ContentState, ContentType } from './content-types.js';
import { applyPageState, lockPageState, readPage } from './page-store.js';
import { CMS_PERMISSIONS } from './permissions.js';

export const articleKind: ContentKind = {
  type: 'article',
  label: 'Article',
  permissions: CMS_PERMISSIONS.articles,
  lock: lockArticleState,
  applyState: applyArticleState,
  async read(tx, siteId, id) {
    const article = await readArticle(tx, siteId, id);
    if (!article) throw notFound('Article', `Article ${id} was not found.`);
    return article;
  },
};

export const pageKind: ContentKind = {
  type: 'page',
  label: 'Page',
  permissions: CMS_PERMISSIONS.pages,
  lock: lockPageState,
  applyState: applyPageState,
  async read(tx, siteId, id) {
    const page = await readPage(tx, siteId, id);
    if (!page) throw notFound('Page', `Page ${id} was not found.`);
    return page;
  },
};

export const contentKinds: Record<ContentType, ContentKind> = { article: articleKind, page: pageKind };

/** The content's state under a row lock; 404 when it is not on the site. */
export async function lockOrNotFound(tx: Tx, kind: ContentKind, siteId: string, id: string): Promise<ContentState> {
  const state = await kind.lock(tx, siteId, id);
  if (!state) throw notFound(kind.label, `${kind.label} ${id} was not found.`);
  return state;
}

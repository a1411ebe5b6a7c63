import type { Static } from '@sinclair/typebox';
import { and, asc, desc, eq, gt, ilike, lt, or, type SQL, sql } from 'drizzle-orm';
import { escapeLike } from '../../kernel/db/like.js';
import type { Tx } from '../../kernel/db/transaction.js';
import { DEFAULT_PAGE_SIZE, decodeCursor, encodeCursor, pageFrom } from '../../kernel/http/pagination.js';
import { badRequest } from '../../kernel/http/problem.js';
import type { ArticleListQuerySchema } from './article-schemas.js';
import type { ContentState, ContentStatus, StateChange } from './content-types.js';
import { articleCategories, articles, articleTags, articleVersions } from './schema.js';
import { readSeo, type Seo } from './seo.js';

/** The content fields every article version records. */
export interface ArticleContent {
  title: string;
  slug: string;
  summary: string | null;
  body: string;
  featuredMediaId: string | null;
  categoryIds: string[];
  tagIds: string[];
}

export interface ArticleSummary {
  id: string;
  siteId: string;
  authorId: string | null;
  title: string;
  slug: string;
  summary: string | null;
  featuredMediaId: string | null;
  status: ContentStatus;
  versionNo: number;
  publishedVersionNo: number | null;
  scheduledFor: string | null;
  scheduledBy: string | null;
  publishedAt: string | null;
  templateId: string | null;
  categoryIds: string[];
  tagIds: string[];
  createdAt: string;
  updatedAt: string;
}

export interface Article extends ArticleSummary {
  body: string;
  seo: Seo | null;
}

export type ArticleListQuery = Static<typeof ArticleListQuerySchema>;

const categoryIdsOf = sql<
  string[]
>`coalesce((select array_agg(ac.category_id::text order by ac.category_id) from article_categories ac where ac.article_id = "articles"."id"), '{}'::text[])`;
const tagIdsOf = sql<
  string[]
>`coalesce((select array_agg(at.tag_id::text order by at.tag_id) from article_tags at where at.article_id = "articles"."id"), '{}'::text[])`;

/** Column order here is the order of the JSON the API serves (and digests into ETags). */
const summaryColumns = {
  id: articles.id,
  siteId: articles.siteId,
  authorId: articles.authorId,
  title: articles.title,
  slug: articles.slug,
  summary: articles.summary,
  featuredMediaId: articles.featuredMediaId,
  status: articles.status,
  versionNo: articles.versionNo,
  publishedVersionNo: articles.publishedVersionNo,
  scheduledFor: articles.scheduledFor,
  scheduledBy: articles.scheduledBy,
  publishedAt: articles.publishedAt,
  templateId: articles.templateId,
  categoryIds: categoryIdsOf,
  tagIds: tagIdsOf,
  createdAt: articles.createdAt,
  updatedAt: articles.updatedAt,
};

export async function readArticle(tx: Tx, siteId: string, id: string): Promise<Article | null> {
  const [row] = await tx
    .select({ ...summaryColumns, body: articles.body })
    .from(articles)
    .where(and(eq(articles.siteId, siteId), eq(articles.id, id)));
  if (!row) return null;
  const { body, ...summary } = row;
  return { ...summary, body, seo: await readSeo(tx, siteId, { articleId: id }) };
}

const sortColumns = { id: articles.id, title: articles.title, updatedAt: articles.updatedAt } as const;

export async function listArticles(tx: Tx, siteId: string, query: ArticleListQuery): Promise<{ data: ArticleSummary[]; nextCursor: string | null }> {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const sortSpec = query.sort ?? '-id';
  const descending = sortSpec.startsWith('-');
  const field = (descending ? sortSpec.slice(1) : sortSpec) as keyof typeof sortColumns;
  const column = sortColumns[field];
  const conditions: SQL[] = [eq(articles.siteId, siteId)];
  if (query.status) conditions.push(eq(articles.status, query.status));
  if (query.authorId) conditions.push(eq(articles.authorId, query.authorId));
  if (query.categoryId) {
    conditions.push(
      sql`exists (select 1 from ${articleCategories} where ${articleCategories.articleId} = ${articles.id} and ${articleCategories.categoryId} = ${query.categoryId})`,
    );
  }
  if (query.tagId) {
    conditions.push(sql`exists (select 1 from ${articleTags} where ${articleTags.articleId} = ${articles.id} and ${articleTags.tagId} = ${query.tagId})`);
  }
  if (query.q) conditions.push(ilike(articles.title, `%${escapeLike(query.q)}%`));
  if (query.cursor) {
    const cursor = decodeCursor(query.cursor, sortSpec);
    const beyond = descending ? lt : gt;
    if (field === 'id') conditions.push(beyond(articles.id, cursor.id));
    else {
      if (typeof cursor.value !== 'string') throw badRequest('invalid_cursor', 'The cursor is not one this server issued.');
      conditions.push(or(beyond(column, cursor.value), and(eq(column, cursor.value), beyond(articles.id, cursor.id))) as SQL);
    }
  }
  const order = descending ? desc : asc;
  const rows = await tx
    .select(summaryColumns)
    .from(articles)
    .where(and(...conditions))
    .orderBy(...(field === 'id' ? [order(articles.id)] : [order(column), order(articles.id)]))
    .limit(limit + 1);
  return pageFrom(rows, limit, (last) => encodeCursor({ sort: sortSpec, value: field === 'id' ? last.id : last[field], id: last.id }));
}

/** The article's workflow state, row-locked for the rest of the transaction; null when not on the site. */
export async function lockArticleState(tx: Tx, siteId: string, id: string): Promise<(ContentState & { slug: string }) | null> {
  const [row] = await tx
    .select({
      id: articles.id,
      siteId: articles.siteId,
      authorId: articles.authorId,
      title: articles.title,
      slug: articles.slug,
      status: articles.status,
      versionNo: articles.versionNo,
      publishedVersionNo: articles.publishedVersionNo,
      scheduledFor: articles.scheduledFor,
      scheduledBy: articles.scheduledBy,
      publishedAt: articles.publishedAt,
    })
    .from(articles)
    .where(and(eq(articles.siteId, siteId), eq(articles.id, id)))
    .for('update');
  if (!row) return null;
  const categories = await tx
    .select({ id: articleCategories.categoryId })
    .from(articleCategories)
    .where(and(eq(articleCategories.siteId, siteId), eq(articleCategories.articleId, id)));
  return { ...row, categoryIds: categories.map((c) => c.id).sort() };
}

export async function applyArticleState(tx: Tx, state: ContentState, change: StateChange): Promise<void> {
  const schedule = change.status === 'scheduled' ? change.schedule : undefined;
  await tx
    .update(articles)
    .set({
      status: change.status,
      scheduledFor: schedule?.at ?? null,
      scheduledBy: schedule?.by ?? null,
      ...(change.submittedBy === undefined ? {} : { submittedBy: change.submittedBy }),
      ...(change.live === undefined
        ? {}
        : change.live === null
          ? { publishedVersionNo: null }
          : { publishedVersionNo: change.live, publishedAt: sql`coalesce(${articles.publishedAt}, now())` as unknown as string }),
    })
    .where(and(eq(articles.siteId, state.siteId), eq(articles.id, state.id)));
}

export async function insertArticleVersion(
  tx: Tx,
  siteId: string,
  articleId: string,
  versionNo: number,
  editedBy: string | null,
  content: ArticleContent,
  note: string | null,
): Promise<void> {
  await tx.insert(articleVersions).values({ siteId, articleId, versionNo, editedBy, note, ...content });
}

/** Replaces the article's categories and tags with exactly these. */
export async function replaceArticleTerms(tx: Tx, siteId: string, articleId: string, categoryIds: readonly string[], tagIds: readonly string[]): Promise<void> {
  await tx.delete(articleCategories).where(and(eq(articleCategories.siteId, siteId), eq(articleCategories.articleId, articleId)));
  await tx.delete(articleTags).where(and(eq(articleTags.siteId, siteId), eq(articleTags.articleId, articleId)));
  if (categoryIds.length > 0) await tx.insert(articleCategories).values(categoryIds.map((categoryId) => ({ siteId, articleId, categoryId })));
  if (tagIds.length > 0) await tx.insert(articleTags).values(tagIds.map((tagId) => ({ siteId, articleId, tagId })));
}

/** The content fields of an article as the API shows it (what a version records). */
export function articleContentOf(article: Article): ArticleContent {
  return {
    title: article.title,
    slug: article.slug,
    summary: article.summary,
    body: article.body,
    featuredMediaId: article.featuredMediaId,
    categoryIds: [...article.categoryIds],
    tagIds: [...article.tagIds],
  };
}

import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { Tx } from '../../kernel/db/transaction.js';
import { DEFAULT_PAGE_SIZE, decodeCursor, encodeCursor, pageFrom } from '../../kernel/http/pagination.js';
import { badRequest, notFound } from '../../kernel/http/problem.js';
import type { ArticleContent } from './article-store.js';
import type { ContentKind } from './content-types.js';
import type { PageContent } from './page-store.js';
import { articles, articleVersions, pageVersions } from './schema.js';
import { type Diffable, diffVersions, type FieldDiff } from './version-diff.js';

export interface VersionSummary {
  versionNo: number;
  editedBy: string | null;
  note: string | null;
  isPublished: boolean;
  createdAt: string;
}

export type ArticleVersion = VersionSummary & ArticleContent;
export type PageVersion = VersionSummary & PageContent;

const articleDiffable = (v: ArticleVersion) => ({
  title: v.title,
  slug: v.slug,
  summary: v.summary,
  body: v.body,
  featuredMediaId: v.featuredMediaId,
  categoryIds: v.categoryIds,
  tagIds: v.tagIds,
});
const ARTICLE_DIFF_FIELDS = ['title', 'slug', 'summary', 'body', 'featuredMediaId', 'categoryIds', 'tagIds'] as const;
const pageDiffable = (v: PageVersion) => ({ title: v.title, contentBody: v.contentBody });
const PAGE_DIFF_FIELDS = ['title', 'contentBody'] as const;

const SORT = '-versionNo';

/** The immutable history of articles and pages: list, read one, compare two. */
export const contentVersions = {
  async list(tx: Tx, kind: ContentKind, siteId: string, id: string, query: { limit?: number; cursor?: string }) {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const below = query.cursor ? versionCursor(query.cursor) : undefined;
    const rows = kind.type === 'article' ? await articleSummaries(tx, siteId, id, below, limit + 1) : await pageSummaries(tx, siteId, id, below, limit + 1);
    // An empty history means no such content (every article and page has version 1).
    if (rows.length === 0 && below === undefined) await kind.read(tx, siteId, id);
    return pageFrom(rows, limit, (last) => encodeCursor({ sort: SORT, value: last.versionNo, id }));
  },

  async article(tx: Tx, siteId: string, articleId: string, versionNo: number): Promise<ArticleVersion> {
    const [row] = await tx
      .select({
        versionNo: articleVersions.versionNo,
        editedBy: articleVersions.editedBy,
        note: articleVersions.note,
        publishedVersionNo: articles.publishedVersionNo,
        createdAt: articleVersions.createdAt,
        title: articleVersions.title,
        slug: articleVersions.slug,
        summary: articleVersions.summary,
        body: articleVersions.body,
        featuredMediaId: articleVersions.featuredMediaId,
        categoryIds: articleVersions.categoryIds,
        tagIds: articleVersions.tagIds,
      })
      .from(articleVersions)
      .innerJoin(articles, and(eq(articles.id, articleVersions.articleId), eq(articles.siteId, articleVersions.siteId)))
      .where(and(eq(articleVersions.siteId, siteId), eq(articleVersions.articleId, articleId), eq(articleVersions.versionNo, versionNo)));
    if (!row) throw notFound('Version', `Article ${articleId} has no version ${versionNo}.`);
    const { publishedVersionNo, ...version } = row;
    return {
      versionNo: version.versionNo,
      editedBy: version.editedBy,
      note: version.note,
      isPublished: publishedVersionNo === version.versionNo,
      createdAt: version.createdAt,
      title: version.title,
      slug: version.slug,
      summary: version.summary,
      body: version.body,
      featuredMediaId: version.featuredMediaId,
      categoryIds: [...version.categoryIds].sort(),
      tagIds: [...version.tagIds].sort(),
    };
  },

  async page(tx: Tx, siteId: string, pageId: string, versionNo: number): Promise<PageVersion> {
    const [row] = await tx
      .select({
        versionNo: pageVersions.versionNumber,
        editedBy: pageVersions.createdBy,
        note: pageVersions.note,
        isPublished: pageVersions.isPublished,
        createdAt: pageVersions.createdAt,
        title: pageVersions.title,
        contentBody: pageVersions.contentBody,
      })
      .from(pageVersions)
      .where(and(eq(pageVersions.siteId, siteId), eq(pageVersions.pageId, pageId), eq(pageVersions.versionNumber, versionNo)));
    if (!row) throw notFound('Version', `Page ${pageId} has no version ${versionNo}.`);
    return row;
  },

  /**
   * Reads two versions for a comparison (in the transaction); `diffPair` compares them afterwards, so a slow
   * diff of large texts holds no connection.
   */
  async pair(tx: Tx, kind: ContentKind, siteId: string, id: string, from: number, to: number): Promise<VersionPair> {
    if (kind.type === 'article') {
      const [a, b] = [await this.article(tx, siteId, id, from), await this.article(tx, siteId, id, to)];
      return { from, to, fields: ARTICLE_DIFF_FIELDS, old: articleDiffable(a), new: articleDiffable(b) };
    }
    const [a, b] = [await this.page(tx, siteId, id, from), await this.page(tx, siteId, id, to)];
    return { from, to, fields: PAGE_DIFF_FIELDS, old: pageDiffable(a), new: pageDiffable(b) };
  },
};

/** Two versions' diffable fields, read and ready to compare. */
export interface VersionPair {
  from: number;
  to: number;
  fields: readonly string[];
  old: Record<string, Diffable>;
  new: Record<string, Diffable>;
}

/** Field by field, what changed from version `from` to version `to` (equal versions show no change). */
export async function diffPair(pair: VersionPair): Promise<{ from: number; to: number; fields: FieldDiff[] }> {
  return { from: pair.from, to: pair.to, fields: await diffVersions(pair.old, pair.new, pair.fields) };
}

function versionCursor(raw: string): number {
  const cursor = decodeCursor(raw, SORT);
  if (typeof cursor.value !== 'number' || !Number.isSafeInteger(cursor.value) || cursor.value < 1) {
    throw badRequest('invalid_cursor', 'The cursor is not one this server issued.');
  }
  return cursor.value;
}

async function articleSummaries(tx: Tx, siteId: string, articleId: string, below: number | undefined, take: number): Promise<VersionSummary[]> {
  const conditions: SQL[] = [eq(articleVersions.siteId, siteId), eq(articleVersions.articleId, articleId)];
  if (below !== undefined) conditions.push(lt(articleVersions.versionNo, below));
  const rows = await tx
    .select({
      versionNo: articleVersions.versionNo,
      editedBy: articleVersions.editedBy,
      note: articleVersions.note,
      publishedVersionNo: articles.publishedVersionNo,
      createdAt: articleVersions.createdAt,
    })
    .from(articleVersions)
    .innerJoin(articles, and(eq(articles.id, articleVersions.articleId), eq(articles.siteId, articleVersions.siteId)))
    .where(and(...conditions))
    .orderBy(desc(articleVersions.versionNo))
    .limit(take);
  return rows.map(({ publishedVersionNo, ...row }) => ({
    versionNo: row.versionNo,
    editedBy: row.editedBy,
    note: row.note,
    isPublished: publishedVersionNo === row.versionNo,
    createdAt: row.createdAt,
  }));
}

async function pageSummaries(tx: Tx, siteId: string, pageId: string, below: number | undefined, take: number): Promise<VersionSummary[]> {
  const conditions: SQL[] = [eq(pageVersions.siteId, siteId), eq(pageVersions.pageId, pageId)];
  if (below !== undefined) conditions.push(lt(pageVersions.versionNumber, below));
  return tx
    .select({
      versionNo: pageVersions.versionNumber,
      editedBy: pageVersions.createdBy,
      note: pageVersions.note,
      isPublished: pageVersions.isPublished,
      createdAt: pageVersions.createdAt,
    })
    .from(pageVersions)
    .where(and(...conditions))
    .orderBy(desc(pageVersions.versionNumber))
    .limit(take);
}

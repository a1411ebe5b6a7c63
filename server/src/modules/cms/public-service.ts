import type { Tx } from '../../kernel/db/transaction.js';
import { etagOf } from '../../kernel/http/etag.js';
import { decodeCursor, encodeCursor, pageFrom } from '../../kernel/http/pagination.js';
import { badRequest, notFound } from '../../kernel/http/problem.js';
import {
  PUBLIC_LIST_DEFAULT_LIMIT,
  type PublicArticle,
  type PublicArticleListQuery,
  type PublicArticleSummary,
  type PublicPage,
  type PublicSeo,
} from './public-schemas.js';
import { PUBLIC_ARTICLE, PUBLIC_PAGE, publicArticleList } from './public-sql.js';

interface Term {
  name: string;
  slug: string;
}

interface ArticleRow {
  id: string;
  slug: string;
  title: string;
  summary: string | null;
  featured_media_id: string | null;
  version_no: number;
  published_at: string;
  version_at: string;
  author_name: string | null;
  categories: Term[];
  tags: Term[];
}

interface SeoColumns {
  seo_id: string | null;
  meta_title: string | null;
  meta_description: string | null;
  canonical_url: string | null;
  structured_data: Record<string, unknown> | null;
}

type ArticleDetailRow = ArticleRow & SeoColumns & { body: string };

interface PageRow extends SeoColumns {
  id: string;
  slug: string;
  title: string;
  content_body: string;
  version_number: number;
  published_at: string;
  version_at: string;
  author_name: string | null;
}

/** A representation with its validator. */
export interface Validated<T> {
  value: T;
  etag: string;
}

const LIST_SORT = '-publishedAt';

function seoOf(row: SeoColumns): PublicSeo | null {
  if (row.seo_id === null) return null;
  return { metaTitle: row.meta_title, metaDescription: row.meta_description, canonicalUrl: row.canonical_url, structuredData: row.structured_data };
}

function summaryOf(row: ArticleRow): PublicArticleSummary {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    summary: row.summary,
    featuredMediaId: row.featured_media_id,
    version: row.version_no,
    authorName: row.author_name,
    categories: row.categories,
    tags: row.tags,
    publishedAt: row.published_at,
    updatedAt: row.version_at,
  };
}

/**
 * The strong validator of published content: its identity and published version number (a version never
 * changes), plus what the representation shows that is not versioned (address, author, SEO, the terms'
 * names). Editing the working copy changes none of these, so readers' caches stay valid until a publish.
 */
function publishedEtag(kind: 'article' | 'page', value: PublicArticle | PublicPage): string {
  const { id, version, slug, authorName, seo, publishedAt } = value;
  const terms = 'categories' in value ? [value.categories, value.tags] : [];
  return etagOf([kind, id, version, slug, authorName, seo, publishedAt, terms]);
}

/** Reads for the public site: published versions only, no caller, no audit. */
export class PublicContent {
  async article(tx: Tx, siteId: string, slug: string): Promise<Validated<PublicArticle>> {
    const { rows } = await tx.$client.query<ArticleDetailRow>({ ...PUBLIC_ARTICLE, values: [siteId, slug] });
    const row = rows[0];
    if (!row) throw notFound('Article', `No published article has the slug ${slug}.`);
    const value: PublicArticle = { ...summaryOf(row), body: row.body, seo: seoOf(row) };
    return { value, etag: publishedEtag('article', value) };
  }

  async page(tx: Tx, siteId: string, slug: string): Promise<Validated<PublicPage>> {
    const { rows } = await tx.$client.query<PageRow>({ ...PUBLIC_PAGE, values: [siteId, slug] });
    const row = rows[0];
    if (!row) throw notFound('Page', `No published page has the slug ${slug}.`);
    const value: PublicPage = {
      id: row.id,
      slug: row.slug,
      title: row.title,
      contentBody: row.content_body,
      version: row.version_number,
      authorName: row.author_name,
      seo: seoOf(row),
      publishedAt: row.published_at,
      updatedAt: row.version_at,
    };
    return { value, etag: publishedEtag('page', value) };
  }

  async articles(tx: Tx, siteId: string, query: PublicArticleListQuery): Promise<{ data: PublicArticleSummary[]; nextCursor: string | null }> {
    const limit = query.limit ?? PUBLIC_LIST_DEFAULT_LIMIT;
    const cursor = query.cursor ? decodeCursor(query.cursor, LIST_SORT) : undefined;
    if (cursor && (typeof cursor.value !== 'string' || Number.isNaN(Date.parse(cursor.value)))) {
      throw badRequest('invalid_cursor', 'The cursor is not one this server issued.');
    }
    const values: unknown[] = [siteId, limit + 1];
    if (query.category) values.push(query.category);
    if (query.tag) values.push(query.tag);
    if (cursor) values.push(cursor.value, cursor.id);
    const statement = publicArticleList({ category: Boolean(query.category), tag: Boolean(query.tag), cursor: Boolean(cursor) });
    const { rows } = await tx.$client.query<ArticleRow>({ ...statement, values });
    return pageFrom(rows.map(summaryOf), limit, (last) => encodeCursor({ sort: LIST_SORT, value: last.publishedAt, id: last.id }));
  }
}

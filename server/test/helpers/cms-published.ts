import { uuidv7 } from 'uuidv7';
import type { TestAdmiral } from './app.js';

/**
 * Content fixtures written as the database owner, in the shapes the lifecycle produces (a working copy row, one
 * immutable version per save, `published_version_no` / `is_published` for what is live), so the search and
 * public-read tests do not depend on the editing routes.
 */

export interface ArticleFields {
  title: string;
  slug: string;
  summary?: string | null;
  body?: string;
  categoryIds?: string[];
  tagIds?: string[];
  authorId?: string | null;
}

export interface ArticleFixture {
  id: string;
  siteId: string;
}

type Status = 'draft' | 'in_review' | 'published' | 'archived' | 'scheduled';

/** An article with one version; published (live) unless `status` says otherwise. */
export async function insertArticle(
  admiral: TestAdmiral,
  siteId: string,
  fields: ArticleFields,
  options: { status?: Status; publishedAt?: string } = {},
): Promise<ArticleFixture> {
  const id = uuidv7();
  const status = options.status ?? 'published';
  const live = status === 'published';
  await admiral.db.ownerQuery(
    `INSERT INTO articles (id, site_id, author_id, title, slug, summary, body, status, version_no, published_version_no, published_at, scheduled_for)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10, $11)`,
    [
      id,
      siteId,
      fields.authorId ?? null,
      fields.title,
      fields.slug,
      fields.summary ?? null,
      fields.body ?? '',
      status,
      live ? 1 : null,
      live ? (options.publishedAt ?? new Date().toISOString()) : null,
      status === 'scheduled' ? new Date(Date.now() + 86_400_000).toISOString() : null,
    ],
  );
  await insertArticleVersion(admiral, siteId, id, 1, fields);
  await linkTerms(admiral, siteId, id, fields);
  return { id, siteId };
}

async function insertArticleVersion(admiral: TestAdmiral, siteId: string, articleId: string, versionNo: number, fields: ArticleFields): Promise<void> {
  await admiral.db.ownerQuery(
    `INSERT INTO article_versions (id, site_id, article_id, version_no, title, slug, summary, body, category_ids, tag_ids)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      uuidv7(),
      siteId,
      articleId,
      versionNo,
      fields.title,
      fields.slug,
      fields.summary ?? null,
      fields.body ?? '',
      fields.categoryIds ?? [],
      fields.tagIds ?? [],
    ],
  );
}

async function linkTerms(admiral: TestAdmiral, siteId: string, articleId: string, fields: ArticleFields): Promise<void> {
  await admiral.db.ownerQuery('DELETE FROM article_categories WHERE article_id = $1', [articleId]);
  await admiral.db.ownerQuery('DELETE FROM article_tags WHERE article_id = $1', [articleId]);
  for (const categoryId of fields.categoryIds ?? []) {
    await admiral.db.ownerQuery('INSERT INTO article_categories (id, site_id, article_id, category_id) VALUES ($1, $2, $3, $4)', [
      uuidv7(),
      siteId,
      articleId,
      categoryId,
    ]);
  }
  for (const tagId of fields.tagIds ?? []) {
    await admiral.db.ownerQuery('INSERT INTO article_tags (id, site_id, article_id, tag_id) VALUES ($1, $2, $3, $4)', [uuidv7(), siteId, articleId, tagId]);
  }
}

/** A save of the working copy: a new version, status draft; whatever was published stays published. */
export async function editArticle(admiral: TestAdmiral, article: ArticleFixture, fields: ArticleFields): Promise<number> {
  const { rows } = await admiral.db.ownerQuery<{ version_no: number }>(
    `UPDATE articles SET title = $2, slug = $3, summary = $4, body = $5, status = 'draft', version_no = version_no + 1, updated_at = now()
     WHERE id = $1 RETURNING version_no`,
    [article.id, fields.title, fields.slug, fields.summary ?? null, fields.body ?? ''],
  );
  const versionNo = rows[0]?.version_no as number;
  await insertArticleVersion(admiral, article.siteId, article.id, versionNo, fields);
  await linkTerms(admiral, article.siteId, article.id, fields);
  return versionNo;
}

/** Publishes the working copy's current version. */
export async function publishArticle(admiral: TestAdmiral, article: ArticleFixture): Promise<void> {
  await admiral.db.ownerQuery(
    `UPDATE articles SET status = 'published', published_version_no = version_no, published_at = coalesce(published_at, now()) WHERE id = $1`,
    [article.id],
  );
}

/** Unpublish (→ draft) or archive: nothing live. */
export async function takeDown(admiral: TestAdmiral, article: ArticleFixture, status: 'draft' | 'archived'): Promise<void> {
  await admiral.db.ownerQuery('UPDATE articles SET status = $2, published_version_no = NULL WHERE id = $1', [article.id, status]);
}

export async function setArticleSeo(admiral: TestAdmiral, article: ArticleFixture, seo: { metaTitle: string; metaDescription?: string }): Promise<void> {
  await admiral.db.ownerQuery(
    `INSERT INTO seo_metadata (id, site_id, article_id, meta_title, meta_description, canonical_url, structured_data)
     VALUES ($1, $2, $3, $4, $5, 'https://example.test/canonical', '{"@type": "Article"}')
     ON CONFLICT (article_id) WHERE article_id IS NOT NULL DO UPDATE SET meta_title = excluded.meta_title, meta_description = excluded.meta_description`,
    [uuidv7(), article.siteId, article.id, seo.metaTitle, seo.metaDescription ?? null],
  );
}

export interface PageFixture {
  id: string;
  siteId: string;
}

/** The page's search vector, as the lifecycle keeps it: from the latest version (title A, body C). */
const PAGE_VECTOR = `setweight(to_tsvector('english', $2), 'A') || setweight(to_tsvector('english', $3), 'C')`;

/** A page with one version; published unless `status` says otherwise. */
export async function insertPage(
  admiral: TestAdmiral,
  siteId: string,
  fields: { title: string; slug: string; contentBody: string; authorId?: string | null },
  status: Status = 'published',
): Promise<PageFixture> {
  const id = uuidv7();
  const live = status === 'published';
  await admiral.db.ownerQuery(
    `INSERT INTO pages (id, site_id, author_id, title, slug, status, version_number, published_at, search_vector)
     VALUES ($1, $4, $5, $2, $6, $7, 1, $8, ${PAGE_VECTOR})`,
    [id, fields.title, fields.contentBody, siteId, fields.authorId ?? null, fields.slug, status, live ? new Date().toISOString() : null],
  );
  await admiral.db.ownerQuery(
    'INSERT INTO page_versions (id, site_id, page_id, version_number, title, content_body, is_published) VALUES ($1, $2, $3, 1, $4, $5, $6)',
    [uuidv7(), siteId, id, fields.title, fields.contentBody, live],
  );
  return { id, siteId };
}

/** A new latest version of a page (status draft); the published version stays published. */
export async function editPage(admiral: TestAdmiral, page: PageFixture, fields: { title: string; contentBody: string }): Promise<number> {
  const { rows } = await admiral.db.ownerQuery<{ version_number: number }>(
    `UPDATE pages SET title = $2, status = 'draft', version_number = version_number + 1, search_vector = ${PAGE_VECTOR} WHERE id = $1 RETURNING version_number`,
    [page.id, fields.title, fields.contentBody],
  );
  const version = rows[0]?.version_number as number;
  await admiral.db.ownerQuery(
    'INSERT INTO page_versions (id, site_id, page_id, version_number, title, content_body, is_published) VALUES ($1, $2, $3, $4, $5, $6, false)',
    [uuidv7(), page.siteId, page.id, version, fields.title, fields.contentBody],
  );
  return version;
}

export async function insertTerm(admiral: TestAdmiral, table: 'categories' | 'tags', siteId: string, name: string, slug: string): Promise<string> {
  const id = uuidv7();
  await admiral.db.ownerQuery(`INSERT INTO ${table} (id, site_id, name, slug) VALUES ($1, $2, $3, $4)`, [id, siteId, name, slug]);
  return id;
}

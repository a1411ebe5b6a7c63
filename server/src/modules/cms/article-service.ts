import type { Static } from '@sinclair/typebox';
import { and, eq } from 'drizzle-orm';
import type { AuditActor, AuditWriter } from '../../kernel/audit/writer.js';
import type { Principal } from '../../kernel/auth/principal.js';
import type { Tx } from '../../kernel/db/transaction.js';
import { notFound } from '../../kernel/http/problem.js';
import type { ArticleCreateSchema, ArticleFromTemplateSchema, ArticleUpdateSchema } from './article-schemas.js';
import {
  type Article,
  type ArticleContent,
  type ArticleListQuery,
  articleContentOf,
  insertArticleVersion,
  listArticles,
  readArticle,
  replaceArticleTerms,
} from './article-store.js';
import { AUDIT_CATEGORY } from './content-audit.js';
import { checkIfMatch, isUniqueViolation, requireIfMatch, slugTaken } from './content-problems.js';
import type { ContentState } from './content-types.js';
import { articleKind, lockOrNotFound } from './kinds.js';
import type { ContentLifecycle } from './lifecycle.js';
import { assertOwner, authorOf } from './ownership.js';
import { assertArticleReferences, existingIds, isUsableMedia } from './references.js';
import { articles } from './schema.js';
import { assertSeoInput, type Seo, sameSeo, seoFromInput, writeSeo } from './seo.js';
import { startFromTemplate, titleAndSlug } from './templates.js';
import { contentVersions } from './versions.js';

export type ArticleCreate = Static<typeof ArticleCreateSchema>;
export type ArticleUpdate = Static<typeof ArticleUpdateSchema>;
export type ArticleFromTemplate = Static<typeof ArticleFromTemplateSchema>;

const CONTENT_FIELDS = ['title', 'slug', 'summary', 'body', 'featuredMediaId', 'categoryIds', 'tagIds'] as const;
const sorted = (ids: readonly string[]) => [...ids].sort();

/** What an audit row says about an article (its content is in the versions). */
const auditView = (a: Pick<Article, 'title' | 'slug' | 'status' | 'versionNo' | 'publishedVersionNo' | 'authorId'>) => ({
  title: a.title,
  slug: a.slug,
  status: a.status,
  versionNo: a.versionNo,
  publishedVersionNo: a.publishedVersionNo,
  authorId: a.authorId,
});

/**
 * Articles: the working copy and its versions. Every save writes a new immutable version with all content
 * fields; status effects of an edit (back to draft, request cancelled) come from the lifecycle.
 */
export class ArticleService {
  constructor(
    private readonly audit: AuditWriter,
    private readonly lifecycle: ContentLifecycle,
  ) {}

  list(tx: Tx, siteId: string, query: ArticleListQuery) {
    return listArticles(tx, siteId, query);
  }

  async get(tx: Tx, siteId: string, id: string): Promise<Article> {
    const article = await readArticle(tx, siteId, id);
    if (!article) throw notFound('Article', `Article ${id} was not found.`);
    return article;
  }

  async create(
    tx: Tx,
    actor: AuditActor,
    caller: Principal | null,
    siteId: string,
    input: ArticleCreate,
    origin: { templateId: string; note: string } | null = null,
  ): Promise<Article> {
    assertSeoInput(input.seo);
    await assertArticleReferences(tx, siteId, input);
    const content: ArticleContent = {
      title: input.title,
      slug: input.slug,
      summary: input.summary ?? null,
      body: input.body ?? '',
      featuredMediaId: input.featuredMediaId ?? null,
      categoryIds: sorted(input.categoryIds ?? []),
      tagIds: sorted(input.tagIds ?? []),
    };
    const { categoryIds, tagIds, ...columns } = content;
    const inserted = await tx
      .insert(articles)
      .values({ siteId, authorId: authorOf(caller), ...columns, status: 'draft', versionNo: 1, templateId: origin?.templateId ?? null })
      .returning({ id: articles.id })
      .catch((error: unknown) => {
        throw isUniqueViolation(error, 'articles_site_slug_key') ? slugTaken(content.slug, 'article') : error;
      });
    const id = (inserted[0] as { id: string }).id;
    await replaceArticleTerms(tx, siteId, id, categoryIds, tagIds);
    await insertArticleVersion(tx, siteId, id, 1, actor.userId, content, origin?.note ?? 'Created');
    if (input.seo) await writeSeo(tx, siteId, { articleId: id }, seoFromInput(input.seo));
    const article = await this.get(tx, siteId, id);
    await this.audit.write(tx, actor, {
      siteId,
      action: 'article.created',
      category: AUDIT_CATEGORY,
      targetType: 'article',
      targetId: id,
      after: auditView(article),
      metadata: { versionNo: 1, templateId: origin?.templateId ?? null },
    });
    return article;
  }

  /** Saves the fields given as a new version. If-Match is required; a save that changes nothing writes nothing. */
  async update(tx: Tx, actor: AuditActor, caller: Principal | null, siteId: string, id: string, input: ArticleUpdate, ifMatch: string | undefined) {
    const state = await lockOrNotFound(tx, articleKind, siteId, id);
    const current = await this.get(tx, siteId, id);
    requireIfMatch(ifMatch, current);
    assertOwner(caller, siteId, articleKind.permissions.update, state.authorId, 'article');
    assertSeoInput(input.seo);
    const before = articleContentOf(current);
    const next: ArticleContent = {
      title: input.title ?? before.title,
      slug: input.slug ?? before.slug,
      summary: input.summary === undefined ? before.summary : input.summary,
      body: input.body ?? before.body,
      featuredMediaId: input.featuredMediaId === undefined ? before.featuredMediaId : input.featuredMediaId,
      categoryIds: input.categoryIds ? sorted(input.categoryIds) : before.categoryIds,
      tagIds: input.tagIds ? sorted(input.tagIds) : before.tagIds,
    };
    const seo = input.seo === undefined ? current.seo : input.seo === null ? null : seoFromInput(input.seo);
    const changed = changedFields(before, next);
    const seoChanged = !sameSeo(current.seo, seo);
    if (changed.length === 0 && !seoChanged) return current;
    await assertArticleReferences(tx, siteId, {
      ...(changed.includes('categoryIds') ? { categoryIds: next.categoryIds } : {}),
      ...(changed.includes('tagIds') ? { tagIds: next.tagIds } : {}),
      ...(changed.includes('featuredMediaId') ? { featuredMediaId: next.featuredMediaId } : {}),
    });
    return this.save(tx, actor, state, current, next, seoChanged ? { seo } : null, { verb: 'updated', note: input.note ?? null, changed, seoChanged });
  }

  /**
   * A new version with version N's content. Categories, tags or media deleted since N are left out (the
   * audit row lists them): the history may name what no longer exists, the working copy may not.
   */
  async restore(tx: Tx, actor: AuditActor, caller: Principal | null, siteId: string, id: string, versionNo: number, ifMatch: string | undefined) {
    const state = await lockOrNotFound(tx, articleKind, siteId, id);
    const current = await this.get(tx, siteId, id);
    requireIfMatch(ifMatch, current);
    assertOwner(caller, siteId, articleKind.permissions.update, state.authorId, 'article');
    const version = await contentVersions.article(tx, siteId, id, versionNo);
    const categoryIds = await existingIds(tx, siteId, 'categories', version.categoryIds);
    const tagIds = await existingIds(tx, siteId, 'tags', version.tagIds);
    const mediaKept = version.featuredMediaId !== null && (await isUsableMedia(tx, siteId, version.featuredMediaId));
    const next: ArticleContent = {
      title: version.title,
      slug: version.slug,
      summary: version.summary,
      body: version.body,
      featuredMediaId: mediaKept ? version.featuredMediaId : null,
      categoryIds,
      tagIds,
    };
    const dropped = {
      categoryIds: version.categoryIds.filter((c) => !categoryIds.includes(c)),
      tagIds: version.tagIds.filter((t) => !tagIds.includes(t)),
      featuredMediaId: mediaKept ? null : version.featuredMediaId,
    };
    return this.save(tx, actor, state, current, next, null, {
      verb: 'restored',
      note: `Restored from version ${versionNo}`,
      changed: changedFields(articleContentOf(current), next),
      seoChanged: false,
      metadata: { restoredFrom: versionNo, dropped },
    });
  }

  /** Deletes the article with its versions, reviews, terms and SEO record; audited with its last state. */
  async remove(tx: Tx, actor: AuditActor, caller: Principal | null, siteId: string, id: string, ifMatch: string | undefined): Promise<void> {
    const state = await lockOrNotFound(tx, articleKind, siteId, id);
    const current = await this.get(tx, siteId, id);
    checkIfMatch(ifMatch, current);
    assertOwner(caller, siteId, articleKind.permissions.delete, state.authorId, 'article');
    await this.lifecycle.beforeDelete(tx, actor, articleKind, id);
    await tx.delete(articles).where(and(eq(articles.siteId, siteId), eq(articles.id, id)));
    await this.audit.write(tx, actor, {
      siteId,
      action: 'article.deleted',
      category: AUDIT_CATEGORY,
      targetType: 'article',
      targetId: id,
      before: { ...auditView(current), categoryIds: current.categoryIds, tagIds: current.tagIds },
    });
  }

  /** A new article pre-filled from a template (title, summary, body, SEO), counted in the template's usage. */
  async fromTemplate(tx: Tx, actor: AuditActor, caller: Principal | null, siteId: string, templateId: string, overrides: ArticleFromTemplate) {
    const template = await startFromTemplate(tx, siteId, templateId, 'article');
    const { title, slug } = titleAndSlug(overrides, template.data);
    const input: ArticleCreate = {
      title,
      slug,
      summary: template.data.summary ?? null,
      body: template.data.body ?? '',
      ...(template.data.seo ? { seo: template.data.seo } : {}),
    };
    return this.create(tx, actor, caller, siteId, input, { templateId: template.id, note: `Created from template "${template.name}"` });
  }

  private async save(
    tx: Tx,
    actor: AuditActor,
    state: ContentState,
    current: Article,
    next: ArticleContent,
    seoChange: { seo: Seo | null } | null,
    how: { verb: 'updated' | 'restored'; note: string | null; changed: string[]; seoChanged: boolean; metadata?: Record<string, unknown> },
  ): Promise<Article> {
    const { siteId, id } = state;
    const versionNo = state.versionNo + 1;
    const { categoryIds, tagIds, ...columns } = next;
    await tx
      .update(articles)
      .set({ ...columns, versionNo })
      .where(and(eq(articles.siteId, siteId), eq(articles.id, id)))
      .catch((error: unknown) => {
        throw isUniqueViolation(error, 'articles_site_slug_key') ? slugTaken(next.slug, 'article') : error;
      });
    if (how.changed.includes('categoryIds') || how.changed.includes('tagIds')) await replaceArticleTerms(tx, siteId, id, categoryIds, tagIds);
    await insertArticleVersion(tx, siteId, id, versionNo, actor.userId, next, how.note);
    if (seoChange) await writeSeo(tx, siteId, { articleId: id }, seoChange.seo);
    await this.lifecycle.afterEdit(tx, actor, articleKind, state, versionNo);
    const article = await this.get(tx, siteId, id);
    await this.audit.write(tx, actor, {
      siteId,
      action: `article.${how.verb}`,
      category: AUDIT_CATEGORY,
      targetType: 'article',
      targetId: id,
      before: auditView(current),
      after: auditView(article),
      metadata: { versionNo, changedFields: [...how.changed, ...(how.seoChanged ? ['seo'] : [])], ...how.metadata },
    });
    return article;
  }
}

function changedFields(before: ArticleContent, next: ArticleContent): string[] {
  return CONTENT_FIELDS.filter((field) => {
    const a = before[field];
    const b = next[field];
    return Array.isArray(a) && Array.isArray(b) ? a.join(',') !== b.join(',') : a !== b;
  });
}

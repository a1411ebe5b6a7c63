import type { Static } from '@sinclair/typebox';
import { and, eq } from 'drizzle-orm';
import type { AuditActor, AuditWriter } from '../../kernel/audit/writer.js';
import type { Principal } from '../../kernel/auth/principal.js';
import type { Tx } from '../../kernel/db/transaction.js';
import { notFound } from '../../kernel/http/problem.js';
import { AUDIT_CATEGORY } from './content-audit.js';
import { checkIfMatch, isUniqueViolation, requireIfMatch, slugTaken } from './content-problems.js';
import type { ContentState } from './content-types.js';
import { lockOrNotFound, pageKind } from './kinds.js';
import type { ContentLifecycle } from './lifecycle.js';
import { assertOwner, authorOf } from './ownership.js';
import type { PageCreateSchema, PageFromTemplateSchema, PageUpdateSchema } from './page-schemas.js';
import { insertPageVersion, listPages, type Page, type PageContent, type PageListQuery, pageSearchVector, readPage } from './page-store.js';
import { pages } from './schema.js';
import { assertSeoInput, type Seo, sameSeo, seoFromInput, writeSeo } from './seo.js';
import { startFromTemplate, titleAndSlug } from './templates.js';
import { contentVersions } from './versions.js';

export type PageCreate = Static<typeof PageCreateSchema>;
export type PageUpdate = Static<typeof PageUpdateSchema>;
export type PageFromTemplate = Static<typeof PageFromTemplateSchema>;

/** What an audit row says about a page (its content is in the versions). */
const auditView = (p: Pick<Page, 'title' | 'slug' | 'status' | 'versionNo' | 'publishedVersionNo' | 'authorId'>) => ({
  title: p.title,
  slug: p.slug,
  status: p.status,
  versionNo: p.versionNo,
  publishedVersionNo: p.publishedVersionNo,
  authorId: p.authorId,
});

const slugError = (slug: string) => (error: unknown) => {
  throw isUniqueViolation(error, 'pages_site_slug_key') ? slugTaken(slug, 'page') : error;
};

/**
 * Pages: identity and workflow state in `pages`, content (title, body) in immutable `page_versions`. Every
 * save writes a version and refreshes `pages.search_vector` from it in the same statement.
 */
export class PageService {
  constructor(
    private readonly audit: AuditWriter,
    private readonly lifecycle: ContentLifecycle,
  ) {}

  list(tx: Tx, siteId: string, query: PageListQuery) {
    return listPages(tx, siteId, query);
  }

  async get(tx: Tx, siteId: string, id: string): Promise<Page> {
    const page = await readPage(tx, siteId, id);
    if (!page) throw notFound('Page', `Page ${id} was not found.`);
    return page;
  }

  async create(
    tx: Tx,
    actor: AuditActor,
    caller: Principal | null,
    siteId: string,
    input: PageCreate,
    origin: { templateId: string; note: string } | null = null,
  ): Promise<Page> {
    assertSeoInput(input.seo);
    const content: PageContent = { title: input.title, contentBody: input.contentBody ?? '' };
    const inserted = await tx
      .insert(pages)
      .values({
        siteId,
        authorId: authorOf(caller),
        title: content.title,
        slug: input.slug,
        status: 'draft',
        versionNumber: 1,
        templateId: origin?.templateId ?? null,
        searchVector: pageSearchVector(content),
      })
      .returning({ id: pages.id })
      .catch(slugError(input.slug));
    const id = (inserted[0] as { id: string }).id;
    await insertPageVersion(tx, siteId, id, 1, actor.userId, content, origin?.note ?? 'Created');
    if (input.seo) await writeSeo(tx, siteId, { pageId: id }, seoFromInput(input.seo));
    const page = await this.get(tx, siteId, id);
    await this.audit.write(tx, actor, {
      siteId,
      action: 'page.created',
      category: AUDIT_CATEGORY,
      targetType: 'page',
      targetId: id,
      after: auditView(page),
      metadata: { versionNo: 1, templateId: origin?.templateId ?? null },
    });
    return page;
  }

  /** Saves the fields given as a new version. If-Match is required; a save that changes nothing writes nothing. */
  async update(tx: Tx, actor: AuditActor, caller: Principal | null, siteId: string, id: string, input: PageUpdate, ifMatch: string | undefined) {
    const state = await lockOrNotFound(tx, pageKind, siteId, id);
    const current = await this.get(tx, siteId, id);
    requireIfMatch(ifMatch, current);
    assertOwner(caller, siteId, pageKind.permissions.update, state.authorId, 'page');
    assertSeoInput(input.seo);
    const next: PageContent = { title: input.title ?? current.title, contentBody: input.contentBody ?? current.contentBody };
    const slug = input.slug ?? current.slug;
    const seo = input.seo === undefined ? current.seo : input.seo === null ? null : seoFromInput(input.seo);
    const changed = [
      ...(next.title !== current.title ? ['title'] : []),
      ...(slug !== current.slug ? ['slug'] : []),
      ...(next.contentBody !== current.contentBody ? ['contentBody'] : []),
    ];
    const seoChanged = !sameSeo(current.seo, seo);
    if (changed.length === 0 && !seoChanged) return current;
    return this.save(tx, actor, state, current, next, slug, seoChanged ? { seo } : null, {
      verb: 'updated',
      note: input.note ?? null,
      changed: [...changed, ...(seoChanged ? ['seo'] : [])],
    });
  }

  /** A new version with version N's title and content (the slug and SEO record are the page's, not a version's). */
  async restore(tx: Tx, actor: AuditActor, caller: Principal | null, siteId: string, id: string, versionNo: number, ifMatch: string | undefined) {
    const state = await lockOrNotFound(tx, pageKind, siteId, id);
    const current = await this.get(tx, siteId, id);
    requireIfMatch(ifMatch, current);
    assertOwner(caller, siteId, pageKind.permissions.update, state.authorId, 'page');
    const version = await contentVersions.page(tx, siteId, id, versionNo);
    const next: PageContent = { title: version.title, contentBody: version.contentBody };
    const changed = [...(next.title !== current.title ? ['title'] : []), ...(next.contentBody !== current.contentBody ? ['contentBody'] : [])];
    return this.save(tx, actor, state, current, next, current.slug, null, {
      verb: 'restored',
      note: `Restored from version ${versionNo}`,
      changed,
      metadata: { restoredFrom: versionNo },
    });
  }

  /** Deletes the page with its versions and SEO record; audited with its last state. */
  async remove(tx: Tx, actor: AuditActor, caller: Principal | null, siteId: string, id: string, ifMatch: string | undefined): Promise<void> {
    const state = await lockOrNotFound(tx, pageKind, siteId, id);
    const current = await this.get(tx, siteId, id);
    checkIfMatch(ifMatch, current);
    assertOwner(caller, siteId, pageKind.permissions.delete, state.authorId, 'page');
    await this.lifecycle.beforeDelete(tx, actor, pageKind, id);
    await tx.delete(pages).where(and(eq(pages.siteId, siteId), eq(pages.id, id)));
    await this.audit.write(tx, actor, {
      siteId,
      action: 'page.deleted',
      category: AUDIT_CATEGORY,
      targetType: 'page',
      targetId: id,
      before: auditView(current),
    });
  }

  /** A new page pre-filled from a template (title, content, SEO), counted in the template's usage. */
  async fromTemplate(tx: Tx, actor: AuditActor, caller: Principal | null, siteId: string, templateId: string, overrides: PageFromTemplate) {
    const template = await startFromTemplate(tx, siteId, templateId, 'page');
    const { title, slug } = titleAndSlug(overrides, template.data);
    const input: PageCreate = {
      title,
      slug,
      contentBody: template.data.contentBody ?? template.data.body ?? '',
      ...(template.data.seo ? { seo: template.data.seo } : {}),
    };
    return this.create(tx, actor, caller, siteId, input, { templateId: template.id, note: `Created from template "${template.name}"` });
  }

  private async save(
    tx: Tx,
    actor: AuditActor,
    state: ContentState,
    current: Page,
    next: PageContent,
    slug: string,
    seoChange: { seo: Seo | null } | null,
    how: { verb: 'updated' | 'restored'; note: string | null; changed: string[]; metadata?: Record<string, unknown> },
  ): Promise<Page> {
    const { siteId, id } = state;
    const versionNo = state.versionNo + 1;
    await tx
      .update(pages)
      .set({ title: next.title, slug, versionNumber: versionNo, searchVector: pageSearchVector(next) })
      .where(and(eq(pages.siteId, siteId), eq(pages.id, id)))
      .catch(slugError(slug));
    await insertPageVersion(tx, siteId, id, versionNo, actor.userId, next, how.note);
    if (seoChange) await writeSeo(tx, siteId, { pageId: id }, seoChange.seo);
    await this.lifecycle.afterEdit(tx, actor, pageKind, state, versionNo);
    const page = await this.get(tx, siteId, id);
    await this.audit.write(tx, actor, {
      siteId,
      action: `page.${how.verb}`,
      category: AUDIT_CATEGORY,
      targetType: 'page',
      targetId: id,
      before: auditView(current),
      after: auditView(page),
      metadata: { versionNo, changedFields: how.changed, ...how.metadata },
    });
    return page;
  }
}

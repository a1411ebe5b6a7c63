import type { Static } from '@sinclair/typebox';
import { and, desc, eq, ilike, lt, or, type SQL } from 'drizzle-orm';
import type { AuditActor, AuditWriter } from '../../kernel/audit/writer.js';
import { escapeLike } from '../../kernel/db/like.js';
import type { Tx } from '../../kernel/db/transaction.js';
import { assertIfMatch, etagOf } from '../../kernel/http/etag.js';
import { DEFAULT_PAGE_SIZE, decodeCursor, idCursor, pageFrom } from '../../kernel/http/pagination.js';
import { notFound } from '../../kernel/http/problem.js';
import { sites } from './schema.js';
import type { SiteCreateSchema, SiteListQuerySchema, SiteUpdateSchema } from './site-schemas.js';

export type Site = typeof sites.$inferSelect;

/** Sites are platform rows; creating one is recorded on the platform chain, changing one on the site's own. */
export class SiteService {
  constructor(private readonly audit: AuditWriter) {}

  async list(tx: Tx, query: Static<typeof SiteListQuerySchema>): Promise<{ data: Site[]; nextCursor: string | null }> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const conditions: SQL[] = [];
    if (query.status) conditions.push(eq(sites.status, query.status));
    if (query.q) {
      const pattern = `%${escapeLike(query.q)}%`;
      conditions.push(or(ilike(sites.name, pattern), ilike(sites.slug, pattern)) as SQL);
    }
    if (query.cursor) conditions.push(lt(sites.id, decodeCursor(query.cursor, '-id').id));
    const rows = await tx
      .select()
      .from(sites)
      .where(and(...conditions))
      .orderBy(desc(sites.id))
      .limit(limit + 1);
    return pageFrom(rows, limit, idCursor);
  }

  async get(tx: Tx, id: string, forUpdate = false): Promise<Site> {
    const query = tx.select().from(sites).where(eq(sites.id, id));
    const [site] = await (forUpdate ? query.for('update') : query);
    if (!site) throw notFound('Site', `Site ${id} was not found.`);
    return site;
  }

  async create(tx: Tx, actor: AuditActor, input: Static<typeof SiteCreateSchema>): Promise<Site> {
    const [site] = await tx.insert(sites).values(input).returning();
    const created = site as Site;
    await this.audit.write(tx, actor, {
      siteId: null,
      action: 'site.created',
      category: 'tenancy',
      targetType: 'site',
      targetId: created.id,
      after: created,
    });
    return created;
  }

  /** Runs in the site's own tenant transaction (allowing inactive sites, so they can be reactivated). */
  async update(tx: Tx, actor: AuditActor, id: string, input: Static<typeof SiteUpdateSchema>, ifMatch: string | undefined): Promise<Site> {
    const before = await this.get(tx, id, true);
    assertIfMatch(ifMatch, etagOf(before));
    const [site] = await tx.update(sites).set(input).where(eq(sites.id, id)).returning();
    const after = site as Site;
    const changed = Object.keys(input) as Array<keyof Site>;
    await this.audit.write(tx, actor, {
      siteId: id,
      action: input.status && input.status !== before.status ? `site.${input.status === 'active' ? 'activated' : input.status}` : 'site.updated',
      category: 'tenancy',
      targetType: 'site',
      targetId: id,
      before: Object.fromEntries(changed.map((k) => [k, before[k]])),
      after: Object.fromEntries(changed.map((k) => [k, after[k]])),
    });
    return after;
  }
}

import { hasPermission } from '../../kernel/auth/guard.js';
import type { Principal } from '../../kernel/auth/principal.js';
import type { Tx } from '../../kernel/db/transaction.js';
import { badRequest, forbidden, ProblemError } from '../../kernel/http/problem.js';
import { CMS_PERMISSIONS } from './permissions.js';
import { type ContentKind, type PublicSearchHit, type PublicSearchQuery, SEARCH_DEFAULT_LIMIT, type SearchHit, type SearchQuery } from './search-schemas.js';
import { Params, publishedBranches, rankedBranches, stripMarkers, workingCopyBranch } from './search-sql.js';
import { FRAGMENT_OPTIONS, markedHtml, WHOLE_TEXT_OPTIONS } from './snippets.js';

interface HitRow {
  type: ContentKind;
  id: string;
  rank: number;
  title: string;
  slug: string;
  status: string;
  at: string;
  title_headline: string;
  snippet_headline: string;
}

/** How long one search statement may run (PostgreSQL statement_timeout, this transaction only). */
export const SEARCH_TIMEOUT_MS = 5000;
/** PostgreSQL's query_canceled: what statement_timeout raises. */
const QUERY_CANCELED = '57014';

const READ: Record<ContentKind, string> = { article: CMS_PERMISSIONS.articles.read, page: CMS_PERMISSIONS.pages.read };

/** The text a search looks for; blank (or whitespace only) is a client error, not "everything". */
function searchText(q: string): string {
  const text = q.trim();
  if (!text)
    throw badRequest('validation_failed', 'The query string is invalid: /q must not be blank.', [{ in: 'query', pointer: '/q', detail: 'must not be blank' }]);
  return text;
}

/**
 * Which kinds of content a caller's search covers. The route requires `articles.read`; pages come in only
 * for callers who also hold `pages.read`, and asking for pages alone without it is refused.
 */
export function searchableKinds(caller: Principal, siteId: string, requested: ContentKind | undefined): ContentKind[] {
  const allowed = (['article', 'page'] as const).filter((kind) => hasPermission(caller, READ[kind], siteId));
  if (requested) {
    if (!allowed.includes(requested)) throw forbidden('permission_denied', `You lack the permission ${READ[requested]} on this site.`);
    return [requested];
  }
  return allowed;
}

/** `limit + 1` rows were asked for: the extra one only says whether another page exists. */
function page<T>(rows: T[], limit: number, offset: number): { data: T[]; nextOffset: number | null } {
  return { data: rows.slice(0, limit), nextOffset: rows.length > limit ? offset + limit : null };
}

const TEXT_OF_ARTICLE = "concat_ws(E'\\n\\n', d_summary, d_body)";

/**
 * Full-text search over a site's articles and pages: PostgreSQL `websearch_to_tsquery('english', q)`
 * against the stored search vectors, ranked by `ts_rank_cd`, each hit with an HTML-safe title and snippet.
 */
export class ContentSearch {
  constructor(private readonly timeoutMs = SEARCH_TIMEOUT_MS) {}

  /** The editors' search: working copies (any status, or one), of the kinds the caller may read. */
  async search(tx: Tx, siteId: string, caller: Principal, query: SearchQuery): Promise<{ data: SearchHit[]; nextOffset: number | null }> {
    const text = searchText(query.q);
    const kinds = searchableKinds(caller, siteId, query.type);
    const limit = query.limit ?? SEARCH_DEFAULT_LIMIT;
    const offset = query.offset ?? 0;
    const p = new Params();
    const site = p.add(siteId);
    const q = p.add(text);
    const status = query.status ? p.add(query.status) : null;
    const ranked = rankedBranches(
      kinds.map((kind) => workingCopyBranch(kind, site, status)),
      p.add(limit + 1),
      p.add(offset),
    );
    const details =
      `SELECT a.title, a.slug, a.status, a.updated_at AS at, a.summary AS d_summary, a.body AS d_body FROM articles a ` +
      `WHERE r.type = 'article' AND a.id = r.id AND a.site_id = ${site} ` +
      `UNION ALL SELECT p.title, p.slug, p.status, p.updated_at, NULL, coalesce(v.content_body, '') FROM pages p ` +
      `LEFT JOIN page_versions v ON v.page_id = p.id AND v.site_id = p.site_id AND v.version_number = p.version_number ` +
      `WHERE r.type = 'page' AND p.id = r.id AND p.site_id = ${site}`;
    const rows = await this.run(tx, `cms_search_${kinds.join('_')}${status ? '_status' : ''}`, p, q, ranked, details);
    return page(
      rows.map((row) => ({ ...this.hit(row), status: row.status, updatedAt: row.at })),
      limit,
      offset,
    );
  }

  /** The readers' search: published versions only, never a draft's words or text. */
  async searchPublished(tx: Tx, siteId: string, query: PublicSearchQuery): Promise<{ data: PublicSearchHit[]; nextOffset: number | null }> {
    const text = searchText(query.q);
    const kinds: ContentKind[] = query.type ? [query.type] : ['article', 'page'];
    const limit = query.limit ?? SEARCH_DEFAULT_LIMIT;
    const offset = query.offset ?? 0;
    const p = new Params();
    const site = p.add(siteId);
    const q = p.add(text);
    const ranked = rankedBranches(
      kinds.flatMap((kind) => publishedBranches(kind, site)),
      p.add(limit + 1),
      p.add(offset),
    );
    const details =
      `SELECT v.title, a.slug, a.status, a.published_at AS at, v.summary AS d_summary, v.body AS d_body FROM articles a ` +
      `JOIN article_versions v ON v.article_id = a.id AND v.site_id = a.site_id AND v.version_no = a.published_version_no ` +
      `WHERE r.type = 'article' AND a.id = r.id AND a.site_id = ${site} ` +
      `UNION ALL SELECT v.title, p.slug, p.status, p.published_at, NULL, v.content_body FROM pages p ` +
      `JOIN page_versions v ON v.page_id = p.id AND v.site_id = p.site_id AND v.is_published ` +
      `WHERE r.type = 'page' AND p.id = r.id AND p.site_id = ${site}`;
    const rows = await this.run(tx, `cms_public_search_${kinds.join('_')}`, p, q, ranked, details);
    return page(
      rows.map((row) => ({ ...this.hit(row), publishedAt: row.at })),
      limit,
      offset,
    );
  }

  /** Ranks first (only the page's rows survive the sub-select), then highlights those rows. */
  private async run(tx: Tx, name: string, p: Params, q: string, ranked: string, details: string): Promise<HitRow[]> {
    const titleOptions = p.add(WHOLE_TEXT_OPTIONS);
    const fragmentOptions = p.add(FRAGMENT_OPTIONS);
    const text =
      `WITH query AS (SELECT websearch_to_tsquery('english', ${q}::text) AS q) ` +
      `SELECT r.type, r.id, r.rank, d.title, d.slug, d.status, d.at, ` +
      `ts_headline('english', ${stripMarkers('d.title')}, query.q, ${titleOptions}) AS title_headline, ` +
      `ts_headline('english', ${stripMarkers(TEXT_OF_ARTICLE)}, query.q, ${fragmentOptions}) AS snippet_headline ` +
      `FROM ${ranked} r CROSS JOIN query CROSS JOIN LATERAL (${details}) d ` +
      'ORDER BY r.rank DESC, r.id DESC';
    // A search that matches most of a large site ranks every match; bound it rather than hold a connection.
    await tx.$client.query("SELECT set_config('statement_timeout', $1, true)", [String(this.timeoutMs)]);
    try {
      return (await tx.$client.query<HitRow>({ name, text, values: p.values })).rows;
    } catch (error) {
      if ((error as { code?: unknown }).code === QUERY_CANCELED) {
        throw new ProblemError(503, 'search_timeout', 'The search took too long; try more specific words.', undefined, { 'retry-after': '5' });
      }
      throw error;
    }
  }

  private hit(row: HitRow) {
    return {
      type: row.type,
      id: row.id,
      title: row.title,
      slug: row.slug,
      rank: row.rank,
      titleHtml: markedHtml(row.title_headline),
      snippet: markedHtml(row.snippet_headline),
    };
  }
}

import { hasPermission } from '../../kernel/auth/guard.js';
import type { Principal } from '../../kernel/auth/principal.js';
import type { Tx } from '../../kernel/db/transaction.js';
import { badRequest, forbidden, ProblemError } from '../../kernel/http/problem.js';
import { CMS_PERMISSIONS } from './permissions.js';
import { type ContentKind, type PublicSearchHit, type PublicSearchQuery, SEARCH_DEFAULT_LIMIT, type SearchHit, type SearchQuery } from './search-schemas.js';
import { Params, publishedBranches, RANK_CANDIDATES, rankedBranches, stripMarkers, workingCopyBranch } from './search-sql.js';
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

/**
 * Phrases (`"…"`, or words joined by a hyphen, which the parser also reads as a phrase) are ranked over every
 * match: PostgreSQL cannot estimate how rare a phrase is (it guesses from its words), so the newest-first walk
 * it would pick reads the whole site one row at a time, while their matches are few.
 */
export function isPhrase(q: string): boolean {
  return q.includes('"') || /\p{L}-\p{L}/u.test(q);
}

/** `limit + 1` rows were asked for: the extra one only says whether another page exists. */
function page<T>(rows: T[], limit: number, offset: number): { data: T[]; nextOffset: number | null } {
  return { data: rows.slice(0, limit), nextOffset: rows.length > limit ? offset + limit : null };
}

/** The query, from its parameter; immutable, so with the value known PostgreSQL folds it to a constant and estimates with it. */
const tsqueryOf = (q: string) => `websearch_to_tsquery('english', ${q}::text)`;

/** What a snippet is cut from: summary and body (pages have no summary). */
const SNIPPET_SOURCE = "concat_ws(E'\\n\\n', d_summary, d_body)";

/**
 * Full-text search over a site's articles and pages: PostgreSQL `websearch_to_tsquery('english', q)`
 * against the stored search vectors, ranked by `ts_rank_cd`, each hit with an HTML-safe title and snippet.
 */
export class ContentSearch {
  private readonly timeoutMs: number;
  private readonly candidates: number | null;

  /** `candidates`: how many of each kind's newest matches are ranked (null: all; for comparisons in the bench). */
  constructor(options: { timeoutMs?: number; candidates?: number | null } = {}) {
    this.timeoutMs = options.timeoutMs ?? SEARCH_TIMEOUT_MS;
    this.candidates = options.candidates === undefined ? RANK_CANDIDATES : options.candidates;
  }

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
      kinds.map((kind) => workingCopyBranch(kind, site, tsqueryOf(q), status, this.candidatesFor(text))),
      p.add(limit + 1),
      p.add(offset),
    );
    const details =
      `SELECT a.title, a.slug, a.status, a.updated_at AS at, a.summary AS d_summary, a.body AS d_body FROM articles a ` +
      `WHERE r.type = 'article' AND a.id = r.id AND a.site_id = ${site} ` +
      `UNION ALL SELECT p.title, p.slug, p.status, p.updated_at, NULL, coalesce(v.content_body, '') FROM pages p ` +
      `LEFT JOIN page_versions v ON v.page_id = p.id AND v.site_id = p.site_id AND v.version_number = p.version_number ` +
      `WHERE r.type = 'page' AND p.id = r.id AND p.site_id = ${site}`;
    const rows = await this.run(tx, p, q, ranked, details);
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
      kinds.flatMap((kind) => publishedBranches(kind, site, tsqueryOf(q), this.candidatesFor(text))),
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
    const rows = await this.run(tx, p, q, ranked, details);
    return page(
      rows.map((row) => ({ ...this.hit(row), publishedAt: row.at })),
      limit,
      offset,
    );
  }

  private candidatesFor(text: string): number | null {
    return isPhrase(text) ? null : this.candidates;
  }

  /** Ranks first (only the page's rows survive the sub-select), then highlights those rows. */
  private async run(tx: Tx, p: Params, q: string, ranked: string, details: string): Promise<HitRow[]> {
    const titleOptions = p.add(WHOLE_TEXT_OPTIONS);
    const fragmentOptions = p.add(FRAGMENT_OPTIONS);
    const text =
      `SELECT r.type, r.id, r.rank, d.title, d.slug, d.status, d.at, ` +
      `ts_headline('english', ${stripMarkers('d.title')}, ${tsqueryOf(q)}, ${titleOptions}) AS title_headline, ` +
      `ts_headline('english', ${stripMarkers(SNIPPET_SOURCE)}, ${tsqueryOf(q)}, ${fragmentOptions}) AS snippet_headline ` +
      `FROM ${ranked} r CROSS JOIN LATERAL (${details}) d ` +
      'ORDER BY r.rank DESC, r.id DESC';
    // A phrase of common words, or a rare word while RLS keeps the GIN index out of reach (docs/content.md), reads
    // every row of the site: bound it rather than hold a connection.
    await tx.$client.query("SELECT set_config('statement_timeout', $1, true)", [String(this.timeoutMs)]);
    try {
      // Unnamed on purpose: planned with the actual words (a custom plan), not a generic plan that cannot tell a
      // word in half the site (walk the newest rows) from a rare one (the GIN index).
      return (await tx.$client.query<HitRow>(text, p.values)).rows;
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

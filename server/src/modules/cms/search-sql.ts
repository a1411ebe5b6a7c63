import { MATCH_START, MATCH_STOP } from './snippets.js';

/**
 * SQL text builders for content search. Everything that changes the text is part of the shape (and of the
 * prepared statement's name); every value is a bound parameter.
 *
 * Speed, measured on 100,000 articles (bench/CMS-RESULTS.md). The statements are planned with the actual
 * words each time (unnamed, so PostgreSQL makes a custom plan): how common they are decides the plan.
 * - ts_headline re-parses the whole text, so it runs only on the page's rows: matching and ranking happen in
 *   a sub-select that keeps the page (LIMIT/OFFSET), the headlines in the query around it.
 * - Ranking reads (and decompresses) every candidate's vector. A word found in half the site would rank
 *   50,000 rows on every request, so each kind ranks at most its newest `candidates` matches (by id, i.e.
 *   creation order): PostgreSQL then walks the (site_id, id) index from the newest row and stops once it has
 *   them, or takes a rare word's few matches from the GIN index — whichever it estimates cheaper.
 */

/** How many of the newest matches of each kind are ranked. Above the deepest page (offset 1000 + limit 50). */
export const RANK_CANDIDATES = 2000;

/** Removes the highlight markers from source text, so content can never forge one. */
export const stripMarkers = (expression: string) => `translate(${expression}, '${MATCH_START}${MATCH_STOP}', '')`;

/** Statuses of content being worked on (neither live as is nor archived): an index range, unlike `<>`. */
const EDITING = "'draft', 'in_review', 'changes_requested', 'approved', 'scheduled'";

/** Numbered parameters in the order they are added. */
export class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** The page's rows, ranked: `(type, id, rank)` for the matches of one site, best first. */
export function rankedBranches(branches: string[], limit: string, offset: string): string {
  return `(${branches.join(' UNION ALL ')} ORDER BY rank DESC, id DESC LIMIT ${limit} OFFSET ${offset})`;
}

/** Ranks the newest `candidates` rows of `matches` (a select of `id, vector`), or all of them when null. */
function ranked(type: 'article' | 'page', matches: string, tsquery: string, candidates: number | null): string {
  const newest = candidates === null ? matches : `${matches} ORDER BY id DESC LIMIT ${candidates}`;
  return `SELECT '${type}'::text AS type, m.id, ts_rank_cd(m.vector, ${tsquery}) AS rank FROM (${newest}) m`;
}

/**
 * Working copies (what editors see): the stored search vectors of articles and pages, optionally of one status.
 * `site` and `status` are parameter references, `tsquery` the query expression (over a parameter).
 */
export function workingCopyBranch(type: 'article' | 'page', site: string, tsquery: string, status: string | null, candidates: number | null): string {
  const table = type === 'article' ? 'articles' : 'pages';
  const matches =
    `SELECT c.id, c.search_vector AS vector FROM ${table} c ` +
    `WHERE c.site_id = ${site} AND c.search_vector @@ ${tsquery}${status ? ` AND c.status = ${status}` : ''}`;
  return ranked(type, matches, tsquery, candidates);
}

/**
 * Published versions only (what readers see). Content whose working copy is the published version (the
 * common case: `version_no = published_version_no`) is matched through the stored, indexed vector; content
 * being edited after publication is matched against its published version's text, computed here, so words
 * that exist only in a draft never find anything. Articles: title A, summary B, body C (as the stored
 * vector); pages: title A, body C.
 */
export function publishedBranches(type: 'article' | 'page', site: string, tsquery: string, candidates: number | null): string[] {
  if (type === 'article') {
    const publishedVector =
      "setweight(to_tsvector('english', v.title), 'A') || setweight(to_tsvector('english', coalesce(v.summary, '')), 'B') || setweight(to_tsvector('english', v.body), 'C')";
    return [
      ranked(
        'article',
        'SELECT a.id, a.search_vector AS vector FROM articles a ' +
          `WHERE a.site_id = ${site} AND a.search_vector @@ ${tsquery} AND a.version_no = a.published_version_no AND a.status <> 'archived'`,
        tsquery,
        candidates,
      ),
      ranked(
        'article',
        'SELECT a.id, pv.vector FROM articles a ' +
          'JOIN article_versions v ON v.article_id = a.id AND v.site_id = a.site_id AND v.version_no = a.published_version_no ' +
          `CROSS JOIN LATERAL (SELECT ${publishedVector} AS vector) pv ` +
          `WHERE a.site_id = ${site} AND a.status IN (${EDITING}) AND a.published_version_no IS NOT NULL ` +
          `AND a.version_no <> a.published_version_no AND pv.vector @@ ${tsquery}`,
        tsquery,
        null,
      ),
    ];
  }
  const pageVector = "setweight(to_tsvector('english', v.title), 'A') || setweight(to_tsvector('english', v.content_body), 'C')";
  return [
    ranked(
      'page',
      'SELECT p.id, p.search_vector AS vector FROM pages p ' +
        'JOIN page_versions v ON v.page_id = p.id AND v.site_id = p.site_id AND v.is_published AND v.version_number = p.version_number ' +
        `WHERE p.site_id = ${site} AND p.search_vector @@ ${tsquery} AND p.status <> 'archived'`,
      tsquery,
      candidates,
    ),
    ranked(
      'page',
      'SELECT p.id, pv.vector FROM pages p ' +
        'JOIN page_versions v ON v.page_id = p.id AND v.site_id = p.site_id AND v.is_published AND v.version_number <> p.version_number ' +
        `CROSS JOIN LATERAL (SELECT ${pageVector} AS vector) pv ` +
        `WHERE p.site_id = ${site} AND p.status IN (${EDITING}) AND pv.vector @@ ${tsquery}`,
      tsquery,
      null,
    ),
  ];
}

import { MATCH_START, MATCH_STOP } from './snippets.js';

/**
 * SQL text builders for content search. Everything that changes the text is part of the shape (and of the
 * prepared statement's name); every value is a bound parameter.
 *
 * Speed: the matching rows are found through the GIN indexes (articles.search_vector, pages.search_vector)
 * and ranked in a sub-select that keeps only the requested page (LIMIT/OFFSET); ts_headline — the expensive
 * part, it re-parses the whole text — then runs on those few rows only.
 */

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

/**
 * Working copies (what editors see): the stored search vectors of articles and pages, optionally of one status.
 * `site` and `query` are parameter references; the tsquery is computed once in the `query` CTE.
 */
export function workingCopyBranch(type: 'article' | 'page', site: string, status: string | null): string {
  const table = type === 'article' ? 'articles' : 'pages';
  return (
    `SELECT '${type}'::text AS type, c.id, ts_rank_cd(c.search_vector, query.q) AS rank FROM ${table} c, query ` +
    `WHERE c.site_id = ${site} AND c.search_vector @@ query.q${status ? ` AND c.status = ${status}` : ''}`
  );
}

/**
 * Published versions only (what readers see). Content whose working copy is the published version (the
 * common case: `version_no = published_version_no`) is matched through the stored, indexed vector; content
 * being edited after publication is matched against its published version's text, computed here, so words
 * that exist only in a draft never find anything. Articles: title A, summary B, body C (as the stored
 * vector); pages: title A, body C.
 */
export function publishedBranches(type: 'article' | 'page', site: string): string[] {
  if (type === 'article') {
    const publishedVector =
      "setweight(to_tsvector('english', v.title), 'A') || setweight(to_tsvector('english', coalesce(v.summary, '')), 'B') || setweight(to_tsvector('english', v.body), 'C')";
    return [
      `SELECT 'article'::text AS type, a.id, ts_rank_cd(a.search_vector, query.q) AS rank FROM articles a, query ` +
        `WHERE a.site_id = ${site} AND a.search_vector @@ query.q AND a.version_no = a.published_version_no AND a.status <> 'archived'`,
      `SELECT 'article'::text, a.id, ts_rank_cd(pv.vector, query.q) FROM articles a CROSS JOIN query ` +
        `JOIN article_versions v ON v.article_id = a.id AND v.site_id = a.site_id AND v.version_no = a.published_version_no ` +
        `CROSS JOIN LATERAL (SELECT ${publishedVector} AS vector) pv ` +
        `WHERE a.site_id = ${site} AND a.status IN (${EDITING}) AND a.published_version_no IS NOT NULL ` +
        `AND a.version_no <> a.published_version_no AND pv.vector @@ query.q`,
    ];
  }
  const pageVector = "setweight(to_tsvector('english', v.title), 'A') || setweight(to_tsvector('english', v.content_body), 'C')";
  return [
    `SELECT 'page'::text AS type, p.id, ts_rank_cd(p.search_vector, query.q) AS rank FROM pages p CROSS JOIN query ` +
      `JOIN page_versions v ON v.page_id = p.id AND v.site_id = p.site_id AND v.is_published AND v.version_number = p.version_number ` +
      `WHERE p.site_id = ${site} AND p.search_vector @@ query.q AND p.status <> 'archived'`,
    `SELECT 'page'::text, p.id, ts_rank_cd(pv.vector, query.q) FROM pages p CROSS JOIN query ` +
      `JOIN page_versions v ON v.page_id = p.id AND v.site_id = p.site_id AND v.is_published AND v.version_number <> p.version_number ` +
      `CROSS JOIN LATERAL (SELECT ${pageVector} AS vector) pv ` +
      `WHERE p.site_id = ${site} AND p.status IN (${EDITING}) AND pv.vector @@ query.q`,
  ];
}

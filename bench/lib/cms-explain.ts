import pg from 'pg';
import { staticPrincipal } from '../../server/src/kernel/auth/principal.js';
import type { Tx } from '../../server/src/kernel/db/transaction.js';
import { ContentSearch } from '../../server/src/modules/cms/search-service.js';
import { FRAGMENT_OPTIONS, WHOLE_TEXT_OPTIONS } from '../../server/src/modules/cms/snippets.js';

export interface ExplainedSearch {
  q: string;
  /** Articles the query matches on the site. */
  matched: number;
  /** Rows the ranking sort received: the newest matches, at most the cap per kind. */
  ranked: number;
  /** Rows ts_headline ran on (the page, plus one to know whether there is a next). */
  highlighted: number;
  planningMs: number;
  executionMs: number;
  /** The statement without the cap on ranked candidates (every match ranked). */
  uncappedExecutionMs: number;
  /** Every match ranked, and ts_headline in the ranking query itself. */
  naiveExecutionMs: number;
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

/** The SQL and values the search service runs for `q` (captured from a stand-in connection). */
async function capture(siteId: string, q: string, candidates?: number | null): Promise<{ text: string; values: unknown[] }> {
  let captured: { text: string; values: unknown[] } | undefined;
  const client = {
    query: async (text: string, values: unknown[]) => {
      if (!text.includes('statement_timeout')) captured = { text, values };
      return { rows: [] };
    },
  };
  await new ContentSearch({ candidates }).search({ $client: client } as unknown as Tx, siteId, staticPrincipal({ id: siteId, superAdmin: true }), { q });
  if (!captured) throw new Error('the search service ran no query');
  return captured;
}

function walk(node: PlanNode, visit: (node: PlanNode) => void): void {
  visit(node);
  for (const child of node.Plans ?? []) walk(child, visit);
}

/** The catalog change proposed to let RLS-bound queries use the GIN index (see bench/README.md, "CMS"). */
export const LEAKPROOF_MATCH = 'ALTER FUNCTION pg_catalog.ts_match_vq(tsvector, tsquery) LEAKPROOF';

/**
 * EXPLAIN ANALYZE of the editors' search for each query, run as a request runs it: the application role,
 * bound to the site (RLS on), in a transaction that is rolled back. With `leakproof`, the transaction first
 * marks the `tsvector @@ tsquery` function LEAKPROOF (needs a superuser; rolled back with the rest).
 */
export async function explainSearches(
  ownerUrl: string,
  siteId: string,
  queries: readonly string[],
  leakproof: boolean,
): Promise<{ rows: ExplainedSearch[]; samplePlan: string }> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  const rows: ExplainedSearch[] = [];
  let samplePlan = '';
  try {
    await client.query('BEGIN');
    if (leakproof) await client.query(LEAKPROOF_MATCH);
    await client.query("SELECT set_config('role', 'admiral_app', true), set_config('app.site_id', $1, true)", [siteId]);
    for (const q of queries) {
      const { text, values } = await capture(siteId, q);
      // Once to warm the cache, as a steady server would be; then measured.
      await client.query(text, values);
      const explained = await client.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode; 'Planning Time': number; 'Execution Time': number }> }>(
        `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${text}`,
        values,
      );
      const top = explained.rows[0]?.['QUERY PLAN'][0];
      if (!top) throw new Error('EXPLAIN returned no plan');
      // The ranking sort's input: the candidates ranked before the LIMIT keeps one page of them.
      let ranked = 0;
      walk(top.Plan, (node) => {
        const sort = node.Plans?.[0];
        const input = sort?.Plans?.[0];
        if (node['Node Type'] === 'Limit' && sort?.['Node Type'] === 'Sort' && input) ranked = (input['Actual Rows'] ?? 0) * (input['Actual Loops'] ?? 1);
      });
      const executionOf = async (sql: string, params: unknown[]) =>
        (await client.query<{ 'QUERY PLAN': Array<{ 'Execution Time': number }> }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params)).rows[0]?.[
          'QUERY PLAN'
        ][0]?.['Execution Time'] ?? Number.NaN;
      const uncapped = await capture(siteId, q, null);
      const uncappedExecutionMs = await executionOf(uncapped.text, uncapped.values);
      const naiveExecutionMs = await executionOf(
        `SELECT a.id, ts_rank_cd(a.search_vector, query.q) AS rank, ts_headline('english', a.title, query.q, $3) AS t,
                ts_headline('english', concat_ws(E'\\n\\n', a.summary, a.body), query.q, $4) AS s
         FROM articles a, (SELECT websearch_to_tsquery('english', $2::text) AS q) query
         WHERE a.site_id = $1 AND a.search_vector @@ query.q
         ORDER BY 2 DESC, a.id DESC LIMIT 21`,
        [siteId, q, WHOLE_TEXT_OPTIONS, FRAGMENT_OPTIONS],
      );
      rows.push({
        q,
        matched: (
          await client.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM articles WHERE site_id = $1 AND search_vector @@ websearch_to_tsquery('english', $2::text)",
            [siteId, q],
          )
        ).rows[0]?.n as number,
        ranked,
        highlighted: top.Plan['Actual Rows'] ?? 0,
        planningMs: top['Planning Time'],
        executionMs: top['Execution Time'],
        uncappedExecutionMs,
        naiveExecutionMs,
      });
      if (!samplePlan) {
        const textPlan = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, COSTS OFF) ${text}`, values);
        samplePlan = textPlan.rows.map((r) => r['QUERY PLAN']).join('\n');
      }
    }
    await client.query('ROLLBACK');
  } finally {
    await client.end();
  }
  return { rows, samplePlan };
}

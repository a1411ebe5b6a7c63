import pg from 'pg';
import { RARE_WORDS, VOCABULARY } from './cms-vocabulary.js';

export interface SeededCms {
  /** Slug of the published article the public-read scenario fetches (with SEO, a category and a tag). */
  publicSlug: string;
  /** Articles the save scenario edits (one at a time each, so every PATCH carries a current If-Match). */
  editableIds: string[];
  /** An article whose version history the bare baseline appends to. */
  bareArticleId: string;
  articles: number;
  /** Mean body length in words, and the seeding time. */
  meanWords: number;
  seedSeconds: number;
}

/** A word drawn with a skewed (Zipf-like) probability: low indexes are common, high ones rare. */
const WORD = `($1::text[])[1 + floor(pow(random(), 2.2) * cardinality($1::text[]))::int]`;

/**
 * `count` published articles with generated English-like text, all in SQL (generate_series), each with its
 * version 1 row — the shape the lifecycle leaves after a publish. Every 20th is filed under the `news`
 * category and every 10th tagged `bench`. About 3 % get one word of the rare tail.
 */
async function insertArticles(
  client: pg.ClientBase,
  siteId: string,
  authorId: string,
  count: number,
  prefix: string,
  terms: { category: string; tag: string },
) {
  await client.query(
    `INSERT INTO articles (id, site_id, author_id, title, slug, summary, body, status, version_no, published_version_no, published_at)
     SELECT gen_random_uuid(), $2::uuid, $3::uuid, t.title, $5 || '-' || g, s.summary, b.body || r.rare, 'published', 1, 1,
            now() - make_interval(secs => g * 37)
     FROM generate_series(1, $4::int) AS g
     CROSS JOIN LATERAL (SELECT initcap(string_agg(${WORD}, ' ')) AS title FROM generate_series(1, 3 + g % 6)) t
     CROSS JOIN LATERAL (SELECT string_agg(${WORD}, ' ') || '.' AS summary FROM generate_series(1, 12 + g % 10)) s
     CROSS JOIN LATERAL (
       SELECT string_agg(w || CASE WHEN i % 14 = 0 THEN '.' ELSE '' END, ' ') AS body
       FROM (SELECT i, ${WORD} AS w FROM generate_series(1, 80 + (g * 7919) % 220) AS i) words
     ) b
     CROSS JOIN LATERAL (
       SELECT CASE WHEN random() < 0.03 THEN ' ' || ($6::text[])[1 + floor(random() * cardinality($6::text[]))::int] ELSE '' END AS rare WHERE g > 0
     ) r`,
    [VOCABULARY, siteId, authorId, count, prefix, RARE_WORDS],
  );
  await client.query(
    `INSERT INTO article_versions (id, site_id, article_id, version_no, edited_by, title, slug, summary, body, category_ids, tag_ids)
     SELECT gen_random_uuid(), a.site_id, a.id, 1, a.author_id, a.title, a.slug, a.summary, a.body,
            CASE WHEN split_part(a.slug, '-', 2)::int % 20 = 0 THEN ARRAY[$2::uuid] ELSE '{}' END,
            CASE WHEN split_part(a.slug, '-', 2)::int % 10 = 0 THEN ARRAY[$3::uuid] ELSE '{}' END
     FROM articles a WHERE a.site_id = $1 AND a.slug LIKE $4 || '-%'`,
    [siteId, terms.category, terms.tag, prefix],
  );
}

/**
 * As the owner: the bench principal as a real user (articles and versions reference their author/editor),
 * `count` published articles on the measured site and a twentieth as many on the neighbour, the article the
 * public read fetches, the articles the save scenario edits, then ANALYZE.
 */
export async function seedCms(ownerUrl: string, siteId: string, otherSiteId: string, principalId: string, count: number): Promise<SeededCms> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  const started = Date.now();
  try {
    await client.query(`INSERT INTO users (id, email, email_verified, display_name) VALUES ($1, 'bench-editor@bench.test', true, 'Bench Editor')`, [
      principalId,
    ]);
    const terms = { category: await term(client, 'categories', siteId, 'News', 'news'), tag: await term(client, 'tags', siteId, 'Bench', 'bench') };
    const otherTerms = {
      category: await term(client, 'categories', otherSiteId, 'News', 'news'),
      tag: await term(client, 'tags', otherSiteId, 'Bench', 'bench'),
    };
    await insertArticles(client, siteId, principalId, count, 'bench', terms);
    await insertArticles(client, otherSiteId, principalId, Math.max(1, Math.floor(count / 20)), 'neighbour', otherTerms);

    const publicSlug = 'bench-public';
    const body = 'The harbour lighthouse keeper writes about storms, ferries and the festival. '.repeat(40);
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO articles (id, site_id, author_id, title, slug, summary, body, status, version_no, published_version_no, published_at)
       VALUES (gen_random_uuid(), $1, $2, 'A published article for the public read', $3, 'What readers fetch', $4, 'published', 1, 1, now()) RETURNING id`,
      [siteId, principalId, publicSlug, body],
    );
    const publicId = rows[0]?.id as string;
    await client.query(
      `INSERT INTO article_versions (id, site_id, article_id, version_no, edited_by, title, slug, summary, body, category_ids, tag_ids)
       SELECT gen_random_uuid(), site_id, id, 1, author_id, title, slug, summary, body, ARRAY[$2::uuid], ARRAY[$3::uuid] FROM articles WHERE id = $1`,
      [publicId, terms.category, terms.tag],
    );
    await client.query(
      `INSERT INTO seo_metadata (id, site_id, article_id, meta_title, meta_description, canonical_url, structured_data)
       VALUES (gen_random_uuid(), $1, $2, 'Public read | Bench', 'The article every public read fetches', 'https://bench.test/a', '{"@type": "NewsArticle"}')`,
      [siteId, publicId],
    );

    const editable = await client.query<{ id: string }>(
      `INSERT INTO articles (id, site_id, author_id, title, slug, body, status, version_no)
       SELECT gen_random_uuid(), $1, $2, 'Editable ' || g, 'bench-editable-' || g, 'Draft body ' || g, 'draft', 1 FROM generate_series(1, 256) g RETURNING id`,
      [siteId, principalId],
    );
    const bare = await client.query<{ id: string }>(
      `INSERT INTO articles (id, site_id, author_id, title, slug, body, status, version_no)
       VALUES (gen_random_uuid(), $1, $2, 'Bare versions', 'bench-bare-versions', '', 'draft', 1) RETURNING id`,
      [siteId, principalId],
    );
    await client.query(
      `INSERT INTO article_versions (id, site_id, article_id, version_no, edited_by, title, slug, body)
       SELECT gen_random_uuid(), site_id, id, 1, author_id, title, slug, body FROM articles WHERE slug LIKE 'bench-editable-%' OR slug = 'bench-bare-versions'`,
    );
    await client.query('ANALYZE');
    const words = await client.query<{ mean: number }>(
      `SELECT avg(array_length(regexp_split_to_array(body, '\\s+'), 1))::float AS mean FROM articles WHERE site_id = $1 AND slug ~ '^bench-[0-9]+$'`,
      [siteId],
    );
    return {
      publicSlug,
      editableIds: editable.rows.map((r) => r.id),
      bareArticleId: bare.rows[0]?.id as string,
      articles: count,
      meanWords: words.rows[0]?.mean ?? Number.NaN,
      seedSeconds: (Date.now() - started) / 1000,
    };
  } finally {
    await client.end();
  }
}

async function term(client: pg.ClientBase, table: 'categories' | 'tags', siteId: string, name: string, slug: string): Promise<string> {
  const { rows } = await client.query<{ id: string }>(`INSERT INTO ${table} (id, site_id, name, slug) VALUES (gen_random_uuid(), $1, $2, $3) RETURNING id`, [
    siteId,
    name,
    slug,
  ]);
  return rows[0]?.id as string;
}

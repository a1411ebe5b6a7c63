/**
 * The CMS baselines: a bare Fastify + pg server (the owner, a superuser: no RLS; no transaction, no auth, no
 * audit, no hooks) running the same SQL Admiral runs, so the difference is Admiral's request pipeline.
 *
 * - `GET /sites/:siteId/public/articles/:slug` — Admiral's public-article statement (public-sql.ts), the row as it comes.
 * - `GET /sites/:siteId/content/search?q=` — Admiral's own search service on a pooled owner connection.
 * - `POST /sites/:siteId/article-versions` — one INSERT of a version row (the bare insert a save is compared with).
 */
import Fastify from 'fastify';
import pg from 'pg';
import { staticPrincipal } from '../../server/src/kernel/auth/principal.js';
import type { Tx } from '../../server/src/kernel/db/transaction.js';
import { PUBLIC_ARTICLE } from '../../server/src/modules/cms/public-sql.js';
import { ContentSearch } from '../../server/src/modules/cms/search-service.js';
import { failStart, readChildConfig, serveHarness } from '../lib/child-side.js';

type Params = { Params: { siteId: string } };
type Slug = { Params: { siteId: string; slug: string } };
type Search = Params & { Querystring: { q: string } };
type Version = Params & { Body: { articleId: string; title: string; body: string } };

async function main(): Promise<void> {
  const cfg = readChildConfig();
  const pool = new pg.Pool({ connectionString: cfg.ownerUrl, max: cfg.poolMax, application_name: 'bench-cms-bare' });
  pool.on('error', () => {});
  const app = Fastify({ logger: false });
  const search = new ContentSearch();
  const everything = staticPrincipal({ id: cfg.principalId, superAdmin: true });
  let nextVersion = 2;

  app.get<Slug>('/sites/:siteId/public/articles/:slug', async (request, reply) => {
    const { rows } = await pool.query({ ...PUBLIC_ARTICLE, values: [request.params.siteId, request.params.slug] });
    if (!rows[0]) return reply.code(404).send({ status: 404 });
    return rows[0];
  });

  app.get<Search>('/sites/:siteId/content/search', async (request) => {
    const client = await pool.connect();
    try {
      return await search.search({ $client: client } as unknown as Tx, request.params.siteId, everything, { q: request.query.q });
    } finally {
      client.release();
    }
  });

  app.post<Version>('/sites/:siteId/article-versions', async (request, reply) => {
    const { rows } = await pool.query(
      `INSERT INTO article_versions (id, site_id, article_id, version_no, edited_by, title, slug, body)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, 'bench-bare-versions', $6) RETURNING *`,
      [request.params.siteId, request.body.articleId, nextVersion++, cfg.principalId, request.body.title, request.body.body],
    );
    reply.code(201);
    return rows[0];
  });

  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the bare CMS server is not listening on a TCP port');
  serveHarness(address.port, async () => {
    await app.close();
    await pool.end();
  });
}

main().catch(failStart);

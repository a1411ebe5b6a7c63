/**
 * `npx tsx bench/cms.ts`: the CMS scenarios, each beside a bare baseline in the same run (bench/README.md, “CMS”).
 * Public read with and without If-None-Match, the editors' search over 100,000 generated articles, and a save
 * that writes a version. Uses its own database (admiral_bench_cms) so it never disturbs `npm run bench`.
 * Writes bench/CMS-RESULTS.md.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { uuidv7 } from 'uuidv7';
import { runtimePasswordFrom, runtimeUrlFrom } from '../server/src/kernel/db/connection.js';
import { migrateDatabase } from '../server/src/runtime.js';
import { type ExplainedSearch, explainSearches, LEAKPROOF_MATCH } from './lib/cms-explain.js';
import { type CmsMeasurement, type CmsRequest, measureCms } from './lib/cms-measure.js';
import { type CmsSettings, renderCmsResults } from './lib/cms-report.js';
import { seedCms } from './lib/cms-seed.js';
import { SEARCH_QUERIES } from './lib/cms-vocabulary.js';
import { dropDatabase, postgresVersion, recreateDatabase, seed } from './lib/database.js';
import { describeMachine } from './lib/machine.js';
import { waitForQuiet } from './lib/measure.js';
import type { ChildConfig } from './lib/protocol.js';
import { ServerProcess } from './lib/server-process.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DATABASE = 'admiral_bench_cms';
const SECRET = 'admiral-bench-secret-not-for-production-0123456789';
const TOKEN = 'bench-token';
const PERMISSIONS = ['domains.read', 'articles.read', 'articles.update', 'pages.read'];

const log = (line: string) => process.stderr.write(`${line}\n`);

function intEnv(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name}=${raw}: expected an integer ≥ ${min}`);
  return value;
}

type Scenario = 'public-read' | 'search' | 'search-leakproof' | 'save';

interface Target {
  scenario: Scenario;
  name: string;
  server: ServerProcess;
  request: CmsRequest;
  expectedStatus: number;
}

/** Each PATCH carries the current ETag of an article nobody else is editing at that moment. */
class EditPool {
  private readonly idle: Array<{ id: string; etag: string }> = [];
  private serial = 0;

  constructor(
    private readonly admiralUrl: string,
    private readonly siteId: string,
  ) {}

  async load(ids: string[]): Promise<void> {
    for (const id of ids) this.idle.push({ id, etag: await this.currentEtag(id) });
  }

  private async currentEtag(id: string): Promise<string> {
    const response = await fetch(`${this.admiralUrl}/v1/sites/${this.siteId}/articles/${id}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    if (response.status !== 200) throw new Error(`GET article ${id} answered ${response.status}`);
    return response.headers.get('etag') as string;
  }

  request(): CmsRequest {
    return {
      method: 'PATCH',
      path: '/',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      setup: (context) => {
        const item = this.idle.shift();
        if (!item) throw new Error('no idle article to edit: raise the number of editable articles');
        context.item = item;
        return {
          path: `/v1/sites/${this.siteId}/articles/${item.id}`,
          headers: { 'if-match': item.etag },
          body: JSON.stringify({ body: `Edited body ${this.serial++} with a few more words to index.` }),
        };
      },
      onResponse: (status, context, headers) => {
        const item = context.item as { id: string; etag: string };
        if (status === 200 && headers.etag) {
          item.etag = headers.etag;
          this.idle.push(item);
        } else {
          void this.currentEtag(item.id).then((etag) => this.idle.push({ id: item.id, etag }));
        }
      },
    };
  }
}

async function sanityCheck(admiral: ServerProcess, cmsBare: ServerProcess, siteId: string, otherSiteId: string, slug: string): Promise<string> {
  const auth = { authorization: `Bearer ${TOKEN}` };
  const live = await fetch(`${admiral.url}/v1/sites/${siteId}/public/articles/${slug}`);
  if (live.status !== 200) throw new Error(`sanity: the public read answered ${live.status}`);
  const etag = live.headers.get('etag') as string;
  const bare = await fetch(`${cmsBare.url}/sites/${siteId}/public/articles/${slug}`);
  const [a, b] = [(await live.json()) as { title: string; body: string }, (await bare.json()) as { title: string; body: string }];
  if (a.title !== b.title || a.body !== b.body) throw new Error('sanity: Admiral and the bare server read different articles');
  const again = await fetch(`${admiral.url}/v1/sites/${siteId}/public/articles/${slug}`, { headers: { 'if-none-match': etag } });
  if (again.status !== 304) throw new Error(`sanity: If-None-Match answered ${again.status}, not 304`);
  const hits = async (url: string, headers: Record<string, string> = {}) =>
    ((await (await fetch(url, { headers })).json()) as { data: Array<{ id: string }> }).data.map((h) => h.id).join();
  const q = encodeURIComponent('lighthouse');
  const ours = await hits(`${admiral.url}/v1/sites/${siteId}/content/search?q=${q}`, auth);
  if (!ours || ours !== (await hits(`${cmsBare.url}/sites/${siteId}/content/search?q=${q}`))) throw new Error('sanity: the searches disagree');
  const other = await fetch(`${admiral.url}/v1/sites/${otherSiteId}/content/search?q=${q}`, { headers: auth });
  if (other.status !== 403) throw new Error(`sanity: another site's search answered ${other.status}; expected 403`);
  return etag;
}

async function isSuperuser(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ ok: boolean }>('SELECT rolsuper AS ok FROM pg_roles WHERE rolname = current_user')).rows[0]?.ok === true;
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const adminUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const articles = intEnv('BENCH_CMS_ARTICLES', 100_000);
  const settings: CmsSettings = {
    connections: intEnv('BENCH_CONNECTIONS', 16),
    searchConnections: intEnv('BENCH_CMS_SEARCH_CONNECTIONS', 4),
    durationSeconds: intEnv('BENCH_DURATION', 10),
    warmupSeconds: intEnv('BENCH_WARMUP', 3, 0),
    rounds: intEnv('BENCH_ROUNDS', 2),
    poolMax: intEnv('BENCH_POOL', 10),
    quietThreshold: intEnv('BENCH_QUIET_PERCENT', 15, 0) / 100,
  };
  const output = path.resolve(HERE, process.env.BENCH_OUTPUT || 'CMS-RESULTS.md');
  const quietWait = intEnv('BENCH_QUIET_WAIT', 120, 0);
  const ownerUrl = await recreateDatabase(adminUrl, DATABASE);
  const processes: ServerProcess[] = [];
  try {
    const runtimePassword = runtimePasswordFrom(SECRET);
    const runtimeUrl = runtimeUrlFrom(ownerUrl, runtimePassword);
    await migrateDatabase({ ownerUrl, runtimeUrl, runtimePassword, embedded: undefined });
    const { siteId, otherSiteId } = await seed(ownerUrl, 2000);
    const principalId = uuidv7();
    log(`bench-cms: seeding ${articles} articles…`);
    const seeded = await seedCms(ownerUrl, siteId, otherSiteId, principalId, articles);
    log(`bench-cms: seeded in ${seeded.seedSeconds.toFixed(0)} s (mean body ${seeded.meanWords.toFixed(0)} words)`);
    // As shipped (RLS on, `@@` not leakproof: no GIN index), then with the proposed catalog change (superuser only).
    const superuser = await isSuperuser(ownerUrl);
    const passes: Array<{ label: string; rows: ExplainedSearch[]; samplePlan: string }> = [];
    for (const leakproof of superuser ? [false, true] : [false]) {
      const label = leakproof ? 'with ts_match_vq LEAKPROOF (proposed)' : 'as shipped';
      const pass = await explainSearches(ownerUrl, siteId, SEARCH_QUERIES, leakproof);
      for (const e of pass.rows)
        log(
          `bench-cms:   EXPLAIN ${label} ${e.q}: ${e.matched} matched, ${e.ranked} ranked, ${e.executionMs.toFixed(1)} ms ` +
            `(all ranked ${e.uncappedExecutionMs.toFixed(1)} ms, headline inline ${e.naiveExecutionMs.toFixed(1)} ms)`,
        );
      passes.push({ label, ...pass });
    }

    const config: ChildConfig = {
      ownerUrl,
      runtimeUrl,
      runtimePassword,
      secret: SECRET,
      poolMax: settings.poolMax,
      siteId,
      token: TOKEN,
      permissions: PERMISSIONS,
      principalId,
    };
    const admiral = await ServerProcess.start('admiral', path.join(HERE, 'servers/admiral.ts'), config);
    processes.push(admiral);
    const bare = await ServerProcess.start('bare', path.join(HERE, 'servers/bare.ts'), config);
    processes.push(bare);
    const cmsBare = await ServerProcess.start('cms-bare', path.join(HERE, 'servers/cms-bare.ts'), config);
    processes.push(cmsBare);
    const etag = await sanityCheck(admiral, cmsBare, siteId, otherSiteId, seeded.publicSlug);
    const edits = new EditPool(admiral.url, siteId);
    await edits.load(seeded.editableIds);

    let query = 0;
    const nextQuery = () => encodeURIComponent(SEARCH_QUERIES[query++ % SEARCH_QUERIES.length] as string);
    let bareVersion = 0;
    const publicPath = `/v1/sites/${siteId}/public/articles/${seeded.publicSlug}`;
    const targets: Target[] = [
      { scenario: 'public-read', name: 'Admiral 200 (no If-None-Match)', server: admiral, request: { method: 'GET', path: publicPath }, expectedStatus: 200 },
      {
        scenario: 'public-read',
        name: 'Admiral 304 (If-None-Match)',
        server: admiral,
        request: { method: 'GET', path: publicPath, headers: { 'if-none-match': etag } },
        expectedStatus: 304,
      },
      {
        scenario: 'public-read',
        name: 'bare: same article query',
        server: cmsBare,
        request: { method: 'GET', path: `/sites/${siteId}/public/articles/${seeded.publicSlug}` },
        expectedStatus: 200,
      },
      {
        scenario: 'public-read',
        name: 'bare: list 50 domains (existing baseline)',
        server: bare,
        request: { method: 'GET', path: `/sites/${siteId}/domains` },
        expectedStatus: 200,
      },
      {
        scenario: 'search',
        name: 'Admiral search',
        server: admiral,
        request: {
          method: 'GET',
          path: '/',
          headers: { authorization: `Bearer ${TOKEN}` },
          setup: () => ({ path: `/v1/sites/${siteId}/content/search?q=${nextQuery()}` }),
        },
        expectedStatus: 200,
      },
      {
        scenario: 'search',
        name: 'bare: same search SQL',
        server: cmsBare,
        request: { method: 'GET', path: '/', setup: () => ({ path: `/sites/${siteId}/content/search?q=${nextQuery()}` }) },
        expectedStatus: 200,
      },
      {
        scenario: 'search-leakproof',
        name: 'Admiral search, ts_match_vq LEAKPROOF',
        server: admiral,
        request: {
          method: 'GET',
          path: '/',
          headers: { authorization: `Bearer ${TOKEN}` },
          setup: () => ({ path: `/v1/sites/${siteId}/content/search?q=${nextQuery()}` }),
        },
        expectedStatus: 200,
      },
      {
        scenario: 'search-leakproof',
        name: 'bare: same search SQL',
        server: cmsBare,
        request: { method: 'GET', path: '/', setup: () => ({ path: `/sites/${siteId}/content/search?q=${nextQuery()}` }) },
        expectedStatus: 200,
      },
      { scenario: 'save', name: 'Admiral PATCH with If-Match (version + audit)', server: admiral, request: edits.request(), expectedStatus: 200 },
      {
        scenario: 'save',
        name: 'bare: INSERT a version row',
        server: cmsBare,
        request: {
          method: 'POST',
          path: `/sites/${siteId}/article-versions`,
          headers: { 'content-type': 'application/json' },
          setup: () => ({ body: JSON.stringify({ articleId: seeded.bareArticleId, title: 'Bare versions', body: `Edited body ${bareVersion++}` }) }),
        },
        expectedStatus: 201,
      },
    ];

    const monitor = new pg.Client({ connectionString: ownerUrl });
    await monitor.connect();
    const backendPids = async () =>
      (
        await monitor.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE (datname = current_database() OR backend_type <> 'client backend') AND pid <> pg_backend_pid()`,
        )
      ).rows.map((r) => r.pid);
    const wanted = (process.env.BENCH_CMS_SCENARIOS ?? 'public-read,search,search-leakproof,save').split(',');
    const measurements: CmsMeasurement[] = [];
    try {
      for (const scenario of ['public-read', 'search', 'search-leakproof', 'save'] as const) {
        if (!wanted.includes(scenario)) continue;
        if (scenario === 'search-leakproof') {
          if (!superuser) continue;
          // Kept for the rest of this scratch database's life; the save scenario does not search.
          await monitor.query(LEAKPROOF_MATCH);
        }
        const sequence = targets.filter((t) => t.scenario === scenario);
        for (let round = 1; round <= settings.rounds; round++) {
          for (const target of round % 2 === 1 ? sequence : [...sequence].reverse()) {
            await waitForQuiet(settings.quietThreshold, quietWait, log);
            const connections = scenario.startsWith('search') ? settings.searchConnections : settings.connections;
            const m = await measureCms(
              target.server,
              { scenario, target: target.name, round },
              target.request,
              { connections, warmupSeconds: settings.warmupSeconds, durationSeconds: settings.durationSeconds, expectedStatus: target.expectedStatus },
              backendPids,
            );
            log(
              `bench-cms: ${scenario} r${round} ${target.name}: ${m.reqPerSec.toFixed(0)} req/s, p50 ${m.p50} p99 ${m.p99} ms, ` +
                `CPU ${m.serverCpuMsPerRequest.toFixed(3)} ms/req, other ${(m.otherBusy * 100).toFixed(0)} %${m.unexpected ? `, ${m.unexpected} unexpected` : ''}`,
            );
            measurements.push(m);
          }
        }
      }
    } finally {
      await monitor.end();
    }
    const baselines = {
      'public-read': 'bare: same article query',
      search: 'bare: same search SQL',
      'search-leakproof': 'bare: same search SQL',
      save: 'bare: INSERT a version row',
    };
    const machine = describeMachine(await postgresVersion(ownerUrl));
    writeFileSync(output, renderCmsResults({ machine, settings, seeded, explained: passes, measurements, baselines }));
    log(`bench-cms: wrote ${path.relative(process.cwd(), output)}`);
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
    if (!process.env.BENCH_KEEP_DATABASE) await dropDatabase(adminUrl, DATABASE).catch(() => {});
  }
}

main().catch((error: unknown) => {
  log(`bench-cms: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});

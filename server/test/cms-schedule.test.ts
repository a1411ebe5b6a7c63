import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseAuditWriter } from '../src/kernel/audit/writer.js';
import { createPool } from '../src/kernel/db/pool.js';
import { Database } from '../src/kernel/db/transaction.js';
import { JobQueue } from '../src/kernel/jobs/queue.js';
import { cmsJobs, publishDue, publishScheduled } from '../src/modules/cms/jobs.js';
import { PUBLISH_SCHEDULED_JOB, type ScheduledPublication } from '../src/modules/cms/publishing.js';
import { startTestAdmiral, type TestAdmiral } from './helpers/app.js';
import { auditRecords, call, contentCounts, expectProblem, expectStatus, type Member, member, newSite, uniqueSlug, workflow } from './helpers/cms.js';
import { NO_RATE_LIMITS } from './helpers/identity.js';

let admiral: TestAdmiral;
let site: string;
let editor: Member;
let editor2: Member;

const url = (path = '', s = site, kind = 'articles') => `/v1/sites/${s}/${kind}${path}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();

async function scheduled(who: Member, atMs: number, kind = 'articles', s = site) {
  const created = await call(admiral, who, 'POST', url('', s, kind), { title: 'Timed', slug: uniqueSlug('timed'), ...(kind === 'pages' ? {} : { body: 'b' }) });
  expectStatus(created, 201);
  const id = created.json().id as string;
  const res = await call(admiral, who, 'POST', url(`/${id}/schedule`, s, kind), { at: inMs(atMs) });
  expectStatus(res, 200);
  return { id, content: res.json() };
}

function publication(kind: 'article' | 'page', id: string, content: { scheduledFor: string; scheduledBy: string | null }, s = site): ScheduledPublication {
  return { siteId: s, contentType: kind, contentId: id, scheduledFor: content.scheduledFor, scheduledBy: content.scheduledBy };
}

async function published(id: string) {
  return (await auditRecords(admiral, id, 'article.published')).concat(await auditRecords(admiral, id, 'page.published'));
}

async function waitUntil(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  admiral = await startTestAdmiral({ env: NO_RATE_LIMITS });
  site = await newSite(admiral);
  editor = await member(admiral, 'editor', site);
  editor2 = await member(admiral, 'editor', site);
});
afterAll(async () => admiral?.stop());

describe('scheduling', () => {
  it('schedules (status, time, who) and sends the delayed job in the same transaction; audited', async () => {
    const at = new Date(Date.now() + 3_600_000 + 0.4).toISOString();
    const created = await call(admiral, editor, 'POST', url(), { title: 'Later', slug: uniqueSlug() });
    const id = created.json().id as string;
    const res = await call(admiral, editor, 'POST', url(`/${id}/schedule`), { at });
    expectStatus(res, 200);
    expect(res.json()).toMatchObject({ status: 'scheduled', scheduledFor: at, scheduledBy: editor.id, publishedVersionNo: null });
    const { rows } = await admiral.db.ownerQuery<{ data: ScheduledPublication; singleton_key: string; start_after: Date }>(
      "SELECT data, singleton_key, start_after FROM pgboss.job WHERE name = $1 AND data->>'contentId' = $2",
      [PUBLISH_SCHEDULED_JOB, id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.data).toEqual({ siteId: site, contentType: 'article', contentId: id, scheduledFor: at, scheduledBy: editor.id });
    expect(rows[0]?.singleton_key).toBe(`article:${id}:${at}`);
    expect(Math.abs(new Date(rows[0]?.start_after as Date).getTime() - Date.parse(at))).toBeLessThan(2000);
    const [audit] = await auditRecords(admiral, id, 'article.scheduled');
    expect(audit).toMatchObject({ actor_user_id: editor.id, after: { status: 'scheduled', scheduledFor: at } });

    // Rescheduling moves the time; the first job no longer matches and will do nothing.
    const later = inMs(7_200_000);
    expectStatus(await call(admiral, editor, 'POST', url(`/${id}/schedule`), { at: later }), 200);
    expect(await publishScheduled(admiral.kernel.db, databaseAuditWriter, publication('article', id, { scheduledFor: at, scheduledBy: editor.id }))).toBe(
      false,
    );
  });

  it('refuses times in the past or too far ahead (422, pointer /at) and bad dates (400), writing nothing', async () => {
    const created = await call(admiral, editor, 'POST', url(), { title: 'x', slug: uniqueSlug() });
    const id = created.json().id as string;
    const before = await contentCounts(admiral);
    const jobs = await admiral.db.ownerQuery('SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1', [PUBLISH_SCHEDULED_JOB]);
    const past = await call(admiral, editor, 'POST', url(`/${id}/schedule`), { at: inMs(-60_000) });
    expectProblem(past, 422, 'invalid_schedule');
    expect(past.json().errors).toEqual([{ in: 'body', pointer: '/at', detail: 'is not in the future' }]);
    expectProblem(await call(admiral, editor, 'POST', url(`/${id}/schedule`), { at: inMs(6 * 366 * 24 * 3_600_000) }), 422, 'invalid_schedule');
    expectProblem(await call(admiral, editor, 'POST', url(`/${id}/schedule`), { at: 'tomorrow' }), 400, 'validation_failed');
    expect(await contentCounts(admiral)).toEqual(before);
    expect((await admiral.db.ownerQuery('SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1', [PUBLISH_SCHEDULED_JOB])).rows).toEqual(jobs.rows);
  });

  it('unscheduling goes back to draft (no workflow) or approved (approval stands); editing clears the schedule', async () => {
    const { id } = await scheduled(editor, 3_600_000);
    const off = await call(admiral, editor, 'DELETE', url(`/${id}/schedule`));
    expectStatus(off, 200);
    expect(off.json()).toMatchObject({ status: 'draft', scheduledFor: null, scheduledBy: null });
    expectProblem(await call(admiral, editor, 'DELETE', url(`/${id}/schedule`)), 409, 'not_scheduled');

    const edited = await scheduled(editor, 3_600_000);
    const current = await call(admiral, editor, 'GET', url(`/${edited.id}`));
    const change = await call(admiral, editor, 'PATCH', url(`/${edited.id}`), { body: 'changed' }, { 'if-match': current.headers.etag as string });
    expect(change.json()).toMatchObject({ status: 'draft', scheduledFor: null, scheduledBy: null });

    const governed = await newSite(admiral);
    const [author, ed] = [await member(admiral, 'author', governed), await member(admiral, 'editor', governed)];
    await workflow(admiral, await member(admiral, 'admin', governed), governed, ['article']);
    const made = await call(admiral, author, 'POST', url('', governed), { title: 'G', slug: uniqueSlug() });
    const gid = made.json().id as string;
    await call(admiral, author, 'POST', url(`/${gid}/submit`, governed));
    expectStatus(await call(admiral, ed, 'POST', url(`/${gid}/reviews`, governed), { decision: 'approve' }), 201);
    expectStatus(await call(admiral, ed, 'POST', url(`/${gid}/schedule`, governed), { at: inMs(3_600_000) }), 200);
    const back = await call(admiral, ed, 'DELETE', url(`/${gid}/schedule`, governed));
    expect(back.json().status).toBe('approved');
  });
});

describe('publishing at the time', () => {
  it('the handler publishes exactly once however many run at once, as the scheduling user, and never early', async () => {
    const { id, content } = await scheduled(editor2, 1_200);
    const data = publication('article', id, content);
    expect(await publishScheduled(admiral.kernel.db, databaseAuditWriter, data)).toBe(false); // not yet due
    await sleep(Date.parse(content.scheduledFor) - Date.now() + 50);
    const results = await Promise.all(Array.from({ length: 4 }, () => publishScheduled(admiral.kernel.db, databaseAuditWriter, data)));
    expect(results.filter(Boolean)).toHaveLength(1);
    const audits = await published(id);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actor_user_id: editor2.id, metadata: { scheduled: true, scheduledFor: content.scheduledFor } });
    const { rows } = await admiral.db.ownerQuery('SELECT status, published_version_no, scheduled_for FROM articles WHERE id = $1', [id]);
    expect(rows).toEqual([{ status: 'published', published_version_no: 1, scheduled_for: null }]);
  });

  it('two worker queues and duplicate jobs: one publication, one audit row (pages flip their published version)', async () => {
    const { id, content } = await scheduled(editor, 1_500, 'pages');
    const pools = [0, 1].map((i) => createPool({ connectionString: admiral.db.runtimeUrl, max: 4, applicationName: `cms-worker-${i}` }));
    const workers = pools.map(
      (pool) => new JobQueue({ runtimeUrl: admiral.db.runtimeUrl, definitions: cmsJobs, db: new Database(pool), pollingIntervalSeconds: 0.5 }),
    );
    try {
      // Duplicates of the delayed job the schedule already sent (a retry, a second sender): all due at the same time.
      for (let i = 0; i < 3; i++) {
        await admiral.kernel.jobs.send(PUBLISH_SCHEDULED_JOB, publication('page', id, content), { startAfterSeconds: 1 });
      }
      for (const worker of workers) await worker.start({ work: true });
      await waitUntil(
        async () => {
          const { rows } = await admiral.db.ownerQuery<{ n: number }>(
            "SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND data->>'contentId' = $2 AND state = 'completed'",
            [PUBLISH_SCHEDULED_JOB, id],
          );
          return (rows[0]?.n ?? 0) >= 4;
        },
        20_000,
        'all four jobs to complete',
      );
    } finally {
      for (const worker of workers) await worker.stop();
      for (const pool of pools) await pool.end();
    }
    expect(await published(id)).toHaveLength(1);
    const { rows } = await admiral.db.ownerQuery('SELECT version_number FROM page_versions WHERE page_id = $1 AND is_published', [id]);
    expect(rows).toEqual([{ version_number: 1 }]);
    const page = await call(admiral, editor, 'GET', url(`/${id}`, site, 'pages'));
    expect(page.json()).toMatchObject({ status: 'published', publishedVersionNo: 1 });
  });

  it('the sweeper publishes what is due on every site (even with the delayed job lost), once when run twice at once', async () => {
    const otherSite = await newSite(admiral);
    const other = await member(admiral, 'editor', otherSite);
    const a = await scheduled(editor, 1_000);
    const b = await scheduled(other, 1_000, 'articles', otherSite);
    // The delayed jobs are lost: only the sweeper remains.
    await admiral.db.ownerQuery("DELETE FROM pgboss.job WHERE name = $1 AND data->>'contentId' = ANY($2)", [PUBLISH_SCHEDULED_JOB, [a.id, b.id]]);
    await sleep(1_200);
    const counts = await Promise.all([publishDue(admiral.kernel.db, databaseAuditWriter), publishDue(admiral.kernel.db, databaseAuditWriter)]);
    expect(counts[0] + counts[1]).toBe(2);
    for (const [id, who] of [
      [a.id, editor.id],
      [b.id, other.id],
    ] as const) {
      const audits = await published(id);
      expect(audits).toHaveLength(1);
      expect(audits[0]?.actor_user_id).toBe(who);
    }
    expect(await publishDue(admiral.kernel.db, databaseAuditWriter)).toBe(0);
  });
});

import pg from 'pg';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolationTesting } from '../src/kernel/resources/service.js';
import type { ApprovalRequest } from '../src/modules/workflows/index.js';
import { expectProblem, insertSites } from './helpers/access.js';
import { startTestAdmiral, superAdmin, type TestAdmiral } from './helpers/app.js';
import { NO_RATE_LIMITS } from './helpers/identity.js';
import { act, articleTarget, createWorkflow, engineOf, type Member, member, RecordingTarget, submit } from './helpers/workflows.js';

/** Sites never see each other's approvals (in the application and in the database), and concurrent approvers resolve a request exactly once. */

let admiral: TestAdmiral;
const siteA = uuidv7();
const siteB = uuidv7();
const busy = uuidv7();
const recorder = new RecordingTarget();
let authorA: Member;
let editorA: Member;
let authorB: Member;
let requestA: ApprovalRequest;
let requestB: ApprovalRequest;

const listOn = async (site: string) =>
  (
    (await admiral.app.inject({ method: 'GET', url: `/v1/sites/${site}/approval-requests`, headers: superAdmin })).json() as { data: ApprovalRequest[] }
  ).data.map((r) => r.id);

/** Rows of a table visible to the application role bound to `site` (RLS alone: no application filter). */
async function visibleTo(site: string, table: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: admiral.db.runtimeUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT set_config('role', 'admiral_app', true), set_config('app.site_id', $1, true)", [site]);
    const { rows } = await client.query<{ site_id: string }>(`SELECT site_id FROM ${table}`);
    await client.query('ROLLBACK');
    return rows.map((r) => r.site_id);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  admiral = await startTestAdmiral({ env: NO_RATE_LIMITS });
  await insertSites(admiral, siteA, siteB, busy);
  engineOf(admiral).registerTarget('article', recorder, { replace: true });
  const steps = [{ name: 'Desk', permission: 'articles.review', approvals: 1 }];
  await createWorkflow(admiral, siteA, { steps }, await member(admiral, siteA, 'admin'));
  await createWorkflow(admiral, siteB, { steps }, await member(admiral, siteB, 'admin'));
  [authorA, editorA, authorB] = [await member(admiral, siteA, 'author'), await member(admiral, siteA, 'editor'), await member(admiral, siteB, 'author')];
  requestA = await submit(admiral, siteA, authorA.user.id, articleTarget());
  requestB = await submit(admiral, siteB, authorB.user.id, articleTarget());
  await act(admiral, siteA, requestA.id, editorA, { action: 'comment', comment: 'Site A only' });
});
afterAll(async () => admiral?.stop());

describe('isolation between sites', () => {
  it("a site's inbox, request pages and actions never reach another site's requests", async () => {
    expect(await listOn(siteA)).toEqual([requestA.id]);
    expect(await listOn(siteB)).toEqual([requestB.id]);
    expectProblem(
      await admiral.app.inject({ method: 'GET', url: `/v1/sites/${siteB}/approval-requests/${requestA.id}`, headers: superAdmin }),
      404,
      'not_found',
    );
    // A's editor holds nothing on B, and B's URL does not reach A's request either.
    expectProblem(await admiral.app.inject({ method: 'GET', url: `/v1/sites/${siteB}/approval-requests`, headers: editorA.headers }), 403, 'permission_denied');
    expectProblem(await act(admiral, siteA, requestB.id, editorA, { action: 'approve' }), 404, 'not_found');
  });

  it('holds with the application filter switched off: RLS alone isolates requests, actions and workflows', async () => {
    isolationTesting.skipApplicationSiteFilter = true;
    try {
      expect(await listOn(siteB)).toEqual([requestB.id]);
      expectProblem(
        await admiral.app.inject({ method: 'GET', url: `/v1/sites/${siteB}/approval-requests/${requestA.id}`, headers: superAdmin }),
        404,
        'not_found',
      );
      const engine = engineOf(admiral);
      const seen = await admiral.kernel.db.withTenant({ siteId: siteB }, (tx) => engine.latest(tx, 'article', requestA.targetId));
      expect(seen).toBeNull();
    } finally {
      isolationTesting.skipApplicationSiteFilter = false;
    }
    for (const table of ['approval_workflows', 'approval_requests', 'approval_actions']) {
      expect(new Set(await visibleTo(siteB, table))).toEqual(table === 'approval_actions' ? new Set() : new Set([siteB]));
      expect(await visibleTo(siteA, table)).toContain(siteA);
    }
  });
});

describe('concurrent approvers', () => {
  let editors: Member[];
  let author: Member;
  beforeAll(async () => {
    const admin = await member(admiral, busy, 'admin');
    await createWorkflow(admiral, busy, { name: 'Quick', steps: [{ name: 'Desk', permission: 'articles.review', approvals: 1 }], priority: 1 }, admin);
    await createWorkflow(
      admiral,
      busy,
      { name: 'Pair', steps: [{ name: 'Desk', permission: 'articles.review', approvals: 2 }], triggerConditions: { targetTypes: ['page'] } },
      admin,
    );
    engineOf(admiral).registerTarget('page', recorder, { replace: true });
    author = await member(admiral, busy, 'author');
    editors = [await member(admiral, busy, 'editor'), await member(admiral, busy, 'editor'), await member(admiral, busy, 'editor')];
  });

  const approveRows = async (id: string) =>
    (await admiral.db.ownerQuery<{ n: number }>("SELECT count(*)::int AS n FROM approval_actions WHERE approval_request_id = $1 AND action = 'approve'", [id]))
      .rows[0]?.n;

  it('a second final approval waits for the first (the request row is locked) and then finds nothing pending', async () => {
    const [first, second] = editors as [Member, Member];
    const { id } = await submit(admiral, busy, author.user.id, articleTarget());
    let release: () => void = () => {};
    const entered = new Promise<void>((resolve) => {
      recorder.entered = resolve;
    });
    recorder.gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      // The first approval resolves the request and stops inside its transaction (in the target's handler).
      const one = act(admiral, busy, id, first, { action: 'approve' });
      await entered;
      recorder.entered = null;
      let secondDone = false;
      const two = act(admiral, busy, id, second, { action: 'approve' }).finally(() => {
        secondDone = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(secondDone).toBe(false);
      recorder.gate = null;
      release();
      const [r1, r2] = await Promise.all([one, two]);
      expect(r1.statusCode, r1.body).toBe(200);
      expect(r1.json()).toMatchObject({ status: 'approved' });
      expectProblem(r2, 409, 'approval_not_pending');
    } finally {
      recorder.gate = null;
      recorder.entered = null;
      release();
    }
    expect(recorder.resolved.filter((r) => r.requestId === id)).toHaveLength(1);
    expect(await approveRows(id)).toBe(1);
  });

  it('three editors approving a two-approval step at once: two approvals count, one resolution, the third is refused', async () => {
    for (let round = 0; round < 5; round++) {
      const { id } = await submit(admiral, busy, author.user.id, articleTarget({ type: 'page' }));
      const results = await Promise.all(editors.map((editor) => act(admiral, busy, id, editor, { action: 'approve' })));
      const statuses = results.map((r) => r.statusCode).sort();
      expect(statuses, results.map((r) => r.body).join('\n')).toEqual([200, 200, 409]);
      expect(results.filter((r) => r.statusCode === 409).map((r) => r.json().code)).toEqual(['approval_not_pending']);
      expect(
        results
          .filter((r) => r.statusCode === 200)
          .map((r) => r.json().status)
          .sort(),
      ).toEqual(['approved', 'pending']);
      expect(recorder.resolved.filter((r) => r.requestId === id).map((r) => r.outcome)).toEqual(['approved']);
      expect(await approveRows(id)).toBe(2);
      const { rows } = await admiral.db.ownerQuery<{ status: string }>('SELECT status FROM approval_requests WHERE id = $1', [id]);
      expect(rows[0]?.status).toBe('approved');
    }
  });

  it('one person approving twice at once counts once', async () => {
    const { id } = await submit(admiral, busy, author.user.id, articleTarget({ type: 'page' }));
    const [editor] = editors as [Member];
    const results = await Promise.all([act(admiral, busy, id, editor, { action: 'approve' }), act(admiral, busy, id, editor, { action: 'approve' })]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect(results.find((r) => r.statusCode === 409)?.json().code).toBe('already_approved');
    expect(await approveRows(id)).toBe(1);
  });
});

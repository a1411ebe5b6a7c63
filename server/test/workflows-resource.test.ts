import type { LightMyRequestResponse } from 'fastify';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResourceMeta } from '../src/kernel/resources/define-resource.js';
import { expectProblem, insertSites } from './helpers/access.js';
import { startTestAdmiral, superAdmin, type TestAdmiral } from './helpers/app.js';
import { NO_RATE_LIMITS } from './helpers/identity.js';
import { type Member, member } from './helpers/workflows.js';

/** The /workflows resource: who may manage it, and what a workflow may say. */

let admiral: TestAdmiral;
const site = uuidv7();
let admin: Member;
let editor: Member;
let author: Member;

const url = `/v1/sites/${site}/workflows`;
const valid = () => ({
  name: `Editorial ${uuidv7().slice(-8)}`,
  steps: [
    { name: 'Desk', permission: 'articles.review', approvals: 2 },
    { name: 'Legal', role: 'legal', approvals: 1 },
  ],
  triggerConditions: { targetTypes: ['article', 'page'], categoryIds: [uuidv7()] },
});

const post = (payload: unknown, headers: Record<string, string> = admin.headers) =>
  admiral.app.inject({ method: 'POST', url, headers, payload: payload as object });
const workflowCount = async () => (await admiral.db.ownerQuery<{ n: number }>('SELECT count(*)::int AS n FROM approval_workflows')).rows[0]?.n;

function expectPointers(res: LightMyRequestResponse, status: number, code: string, pointers: string[]) {
  expectProblem(res, status, code);
  expect((res.json() as { errors: Array<{ pointer: string }> }).errors.map((e) => e.pointer)).toEqual(expect.arrayContaining(pointers));
}

beforeAll(async () => {
  admiral = await startTestAdmiral({ env: NO_RATE_LIMITS });
  await insertSites(admiral, site);
  [admin, editor, author] = [await member(admiral, site, 'admin'), await member(admiral, site, 'editor'), await member(admiral, site, 'author')];
});
afterAll(async () => admiral?.stop());

describe('managing workflows', () => {
  it('an admin creates one: recorded as theirs, audited on the site', async () => {
    const res = await post(valid());
    expect(res.statusCode, res.body).toBe(201);
    const workflow = res.json();
    expect(workflow).toMatchObject({ siteId: site, createdBy: admin.user.id, isActive: true, priority: 100 });
    expect(workflow.steps).toEqual(valid().steps);
    const { rows } = await admiral.db.ownerQuery('SELECT site_id, actor_user_id FROM audit_logs WHERE action = $1 AND target_id = $2', [
      'workflow.created',
      workflow.id,
    ]);
    expect(rows).toEqual([{ site_id: site, actor_user_id: admin.user.id }]);
  });

  it('editors and authors read workflows but cannot create, change or delete them', async () => {
    const created = (await post(valid())).json() as { id: string };
    for (const who of [editor, author]) {
      const list = await admiral.app.inject({ method: 'GET', url, headers: who.headers });
      expect(list.statusCode, list.body).toBe(200);
      expect((list.json() as { data: Array<{ id: string }> }).data.map((w) => w.id)).toContain(created.id);
      expectProblem(await post(valid(), who.headers), 403, 'permission_denied');
      expectProblem(
        await admiral.app.inject({ method: 'PATCH', url: `${url}/${created.id}`, headers: who.headers, payload: { isActive: false } }),
        403,
        'permission_denied',
      );
      expectProblem(await admiral.app.inject({ method: 'DELETE', url: `${url}/${created.id}`, headers: who.headers }), 403, 'permission_denied');
    }
  });

  it('shows in the console under Content, named by its name', async () => {
    const res = await admiral.app.inject({ method: 'GET', url: '/v1/meta/resources', headers: superAdmin });
    const meta = (res.json() as { data: ResourceMeta[] }).data.find((r) => r.plural === 'workflows');
    expect(meta).toMatchObject({ group: 'Content', titleField: 'name', module: 'workflows', path: '/v1/sites/{siteId}/workflows' });
    expect(meta?.permissions).toEqual({ read: 'workflows.read', create: 'workflows.create', update: 'workflows.update', delete: 'workflows.delete' });
  });
});

describe('API description', () => {
  it('documents the workflow resource and the approval routes', async () => {
    const doc = (await admiral.app.inject({ method: 'GET', url: '/v1/openapi.json' })).json() as {
      paths: Record<string, Record<string, { operationId?: string }>>;
    };
    expect(doc.paths['/v1/sites/{siteId}/workflows']?.post?.operationId).toBe('createWorkflow');
    expect(doc.paths['/v1/sites/{siteId}/approval-requests']?.get?.operationId).toBe('listApprovalRequests');
    expect(doc.paths['/v1/sites/{siteId}/approval-requests/{requestId}']?.get?.operationId).toBe('getApprovalRequest');
    expect(doc.paths['/v1/sites/{siteId}/approval-requests/{requestId}/actions']?.post?.operationId).toBe('actOnApprovalRequest');
  });
});

describe('validation', () => {
  it('refuses malformed steps and triggers with pointers, writing nothing (400: the schema)', async () => {
    const before = await workflowCount();
    const base = valid();
    const cases: Array<[unknown, string]> = [
      [{ ...base, steps: [] }, '/steps'],
      [{ ...base, steps: Array.from({ length: 21 }, (_, i) => ({ name: `S${i}`, permission: 'articles.review', approvals: 1 })) }, '/steps'],
      [{ ...base, steps: [{ name: 'Desk', permission: 'articles.review', approvals: 0 }] }, '/steps/0/approvals'],
      [{ ...base, steps: [{ name: 'Desk', permission: 'articles.review', approvals: 11 }] }, '/steps/0/approvals'],
      [{ ...base, steps: [{ name: '', permission: 'articles.review', approvals: 1 }] }, '/steps/0/name'],
      [{ ...base, steps: [{ name: 'x'.repeat(101), permission: 'articles.review', approvals: 1 }] }, '/steps/0/name'],
      [{ ...base, steps: [{ name: 'Desk', permission: 'articles.review', approvals: 1, quorum: 2 }] }, '/steps/0/quorum'],
      [{ ...base, steps: [{ name: 'Desk', permission: 'articles.review' }] }, '/steps/0/approvals'],
      [{ ...base, steps: [{ name: 'Desk', role: 'Not A Role', approvals: 1 }] }, '/steps/0/role'],
      [{ ...base, steps: [{ name: 'Desk', permission: 'NOT-a-key', approvals: 1 }] }, '/steps/0/permission'],
      [{ ...base, steps: 'all editors' }, '/steps'],
      [{ ...base, triggerConditions: { targetTypes: [] } }, '/triggerConditions/targetTypes'],
      [{ ...base, triggerConditions: { targetTypes: ['video'] } }, '/triggerConditions/targetTypes/0'],
      [{ ...base, triggerConditions: { targetTypes: ['article'], categoryIds: ['nope'] } }, '/triggerConditions/categoryIds/0'],
      [{ ...base, triggerConditions: { targetTypes: ['article'], categoryIds: [] } }, '/triggerConditions/categoryIds'],
      [{ ...base, triggerConditions: { targetTypes: ['article'], tags: [] } }, '/triggerConditions/tags'],
      [{ ...base, triggerConditions: {} }, '/triggerConditions/targetTypes'],
    ];
    for (const [payload, pointer] of cases) expectPointers(await post(payload), 400, 'validation_failed', [pointer]);
    expect(await workflowCount()).toBe(before);
  });

  it('a step names exactly one of permission or role (422)', async () => {
    const both = await post({ ...valid(), steps: [{ name: 'Desk', permission: 'articles.review', role: 'editor', approvals: 1 }] });
    expectPointers(both, 422, 'step_approver_ambiguous', ['/steps/0']);
    const neither = await post({
      ...valid(),
      steps: [
        { name: 'Desk', permission: 'articles.review', approvals: 1 },
        { name: 'Legal', approvals: 1 },
      ],
    });
    expectPointers(neither, 422, 'step_approver_ambiguous', ['/steps/1']);
  });

  it('refuses permission keys the catalog does not know, or that cannot be granted on a site (422, pointing at each)', async () => {
    const before = await workflowCount();
    const res = await post({
      ...valid(),
      steps: [
        { name: 'Desk', permission: 'articles.review', approvals: 1 },
        { name: 'Ghost', permission: 'articles.frobnicate', approvals: 1 },
        { name: 'Platform', permission: 'sites.create', approvals: 1 },
      ],
    });
    expectPointers(res, 422, 'unknown_permission', ['/steps/1/permission', '/steps/2/permission']);
    expect((res.json() as { errors: unknown[] }).errors).toHaveLength(2);
    expect(await workflowCount()).toBe(before);
  });

  it('checks updates the same way, and a refused update changes nothing', async () => {
    const created = (await post(valid())).json() as { id: string; steps: unknown };
    const etag = (await admiral.app.inject({ method: 'GET', url: `${url}/${created.id}`, headers: admin.headers })).headers.etag as string;
    const refused = await admiral.app.inject({
      method: 'PATCH',
      url: `${url}/${created.id}`,
      headers: { ...admin.headers, 'if-match': etag },
      payload: { steps: [{ name: 'Ghost', permission: 'ghosts.approve', approvals: 1 }] },
    });
    expectPointers(refused, 422, 'unknown_permission', ['/steps/0/permission']);
    const after = await admiral.app.inject({ method: 'GET', url: `${url}/${created.id}`, headers: admin.headers });
    expect(after.json().steps).toEqual(created.steps);
    const accepted = await admiral.app.inject({
      method: 'PATCH',
      url: `${url}/${created.id}`,
      headers: { ...admin.headers, 'if-match': etag },
      payload: { steps: [{ name: 'Desk', permission: 'pages.review', approvals: 3 }], priority: 5 },
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json()).toMatchObject({ priority: 5, steps: [{ name: 'Desk', permission: 'pages.review', approvals: 3 }] });
  });

  it('names are unique per site (409)', async () => {
    const input = valid();
    expect((await post(input)).statusCode).toBe(201);
    expectProblem(await post(input), 409, 'already_exists');
  });
});

import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticPrincipal } from '../src/kernel/auth/principal.js';
import type { Tx } from '../src/kernel/db/transaction.js';
import { type ApprovalTarget, WorkflowEngine } from '../src/modules/workflows/index.js';
import { insertSites } from './helpers/access.js';
import { startTestAdmiral, type TestAdmiral } from './helpers/app.js';
import { createUser, NO_RATE_LIMITS, type TestUser } from './helpers/identity.js';
import {
  actorFor,
  approvalMail,
  articleTarget,
  auditActions,
  createWorkflow,
  engineOf,
  type Member,
  member,
  RecordingTarget,
  submit,
} from './helpers/workflows.js';

/** The engine as cms uses it: which workflow applies, submitting, cancelling, and what counts as approved. */

let admiral: TestAdmiral;
const matching = uuidv7();
const other = uuidv7();
const lifecycle = uuidv7();
const recorder = new RecordingTarget();
let requester: TestUser;
let editor: TestUser;
let admins: { matching: Member; lifecycle: Member };

const inSite = <T>(siteId: string, fn: (tx: Tx) => Promise<T>, userId: string | null = null) => admiral.kernel.db.withTenant({ siteId, userId }, fn);
const workflowFor = (siteId: string, target: ApprovalTarget) => inSite(siteId, (tx) => engineOf(admiral).workflowFor(tx, target));
const request = async (id: string) =>
  (await admiral.db.ownerQuery('SELECT * FROM approval_requests WHERE id = $1', [id])).rows[0] as Record<string, unknown> | undefined;

beforeAll(async () => {
  admiral = await startTestAdmiral({ env: NO_RATE_LIMITS });
  await insertSites(admiral, matching, other, lifecycle);
  engineOf(admiral).registerTarget('article', recorder, { replace: true });
  engineOf(admiral).registerTarget('page', recorder, { replace: true });
  [requester, editor] = [await createUser(admiral), await createUser(admiral)];
  admins = { matching: await member(admiral, matching, 'admin'), lifecycle: await member(admiral, lifecycle, 'admin') };
});
afterAll(async () => admiral?.stop());

describe('which workflow applies', () => {
  it('matches by type and category, lowest priority first, then the oldest; inactive ones never', async () => {
    const [c1, c2] = [uuidv7(), uuidv7()];
    const desk = { name: 'Desk', permission: 'articles.review', approvals: 1 };
    const general = await createWorkflow(admiral, matching, { name: 'General', steps: [desk] }, admins.matching);
    const sport = await createWorkflow(
      admiral,
      matching,
      { name: 'Sport', steps: [desk], priority: 10, triggerConditions: { targetTypes: ['article'], categoryIds: [c1] } },
      admins.matching,
    );
    const pages = await createWorkflow(
      admiral,
      matching,
      { name: 'Pages', steps: [desk], priority: 1, triggerConditions: { targetTypes: ['page'] } },
      admins.matching,
    );
    const paused = await createWorkflow(admiral, matching, { name: 'Paused', steps: [desk], priority: 1, isActive: false }, admins.matching);
    const culture = await createWorkflow(
      admiral,
      matching,
      { name: 'Culture', steps: [desk], priority: 10, triggerConditions: { targetTypes: ['article'], categoryIds: [c2] } },
      admins.matching,
    );

    expect((await workflowFor(matching, articleTarget()))?.id).toBe(general.id);
    expect((await workflowFor(matching, articleTarget({ categoryIds: [c1] })))?.id).toBe(sport.id);
    expect((await workflowFor(matching, articleTarget({ categoryIds: [c2] })))?.id).toBe(culture.id);
    // Both category workflows match at priority 10: the older wins.
    expect((await workflowFor(matching, articleTarget({ categoryIds: [c2, c1] })))?.id).toBe(sport.id);
    expect((await workflowFor(matching, articleTarget({ categoryIds: [uuidv7()] })))?.id).toBe(general.id);
    expect((await workflowFor(matching, articleTarget({ type: 'page' })))?.id).toBe(pages.id);

    const activated = await admiral.app.inject({
      method: 'PATCH',
      url: `/v1/sites/${matching}/workflows/${paused.id}`,
      headers: admins.matching.headers,
      payload: { isActive: true },
    });
    expect(activated.statusCode, activated.body).toBe(200);
    expect((await workflowFor(matching, articleTarget({ categoryIds: [c1] })))?.id).toBe(paused.id);
  });

  it("never applies another site's workflows", async () => {
    expect(await workflowFor(other, articleTarget())).toBeNull();
    await expect(submit(admiral, other, requester.id, articleTarget())).rejects.toMatchObject({ status: 409, code: 'no_workflow' });
  });
});

describe('submitting, cancelling, approval of a version', () => {
  let workflowId: string;
  beforeAll(async () => {
    workflowId = (await createWorkflow(admiral, lifecycle, { steps: [{ name: 'Desk', permission: 'articles.review', approvals: 1 }] }, admins.lifecycle)).id;
  });

  it('opens a request for the version submitted, audited; a second one for the same target is refused while it is pending', async () => {
    const target = articleTarget({ version: 7, title: 'Election night' });
    const opened = await submit(admiral, lifecycle, requester.id, target);
    expect(opened).toMatchObject({
      siteId: lifecycle,
      workflowId,
      targetType: 'article',
      targetId: target.id,
      targetVersion: 7,
      targetTitle: 'Election night',
      currentStep: 1,
      status: 'pending',
      requestedBy: requester.id,
      resolvedAt: null,
    });
    expect(await request(opened.id)).toMatchObject({ target_version: 7, target_title: 'Election night', status: 'pending' });
    await expect(submit(admiral, lifecycle, requester.id, { ...target, version: 8 })).rejects.toMatchObject({ status: 409, code: 'approval_already_open' });
    expect(await auditActions(admiral, opened.id)).toEqual([
      expect.objectContaining({ action: 'approval.submitted', site_id: lifecycle, actor_user_id: requester.id, target_type: 'approval_request' }),
    ]);
    expect(await approvalMail(admiral, opened.id)).toEqual([]);
  });

  it('is approved only for the version submitted; cancelling withdraws it, once, and tells the requester', async () => {
    const target = articleTarget({ version: 3 });
    const engine = engineOf(admiral);
    const opened = await submit(admiral, lifecycle, requester.id, target);
    expect(await inSite(lifecycle, (tx) => engine.isApproved(tx, 'article', target.id, 3))).toBe(false);

    const approver = staticPrincipal({ id: editor.id, sites: { [lifecycle]: ['articles.review'] } });
    const approved = await inSite(lifecycle, (tx) => engine.act(tx, actorFor(editor.id), approver, opened.id, { action: 'approve' }), editor.id);
    expect(approved).toMatchObject({ status: 'approved', currentStep: 1 });
    expect(approved.resolvedAt).not.toBeNull();
    expect(recorder.resolved).toContainEqual({ requestId: opened.id, outcome: 'approved', actorUserId: editor.id });
    expect(await inSite(lifecycle, (tx) => engine.isApproved(tx, 'article', target.id, 3))).toBe(true);
    expect(await inSite(lifecycle, (tx) => engine.isApproved(tx, 'article', target.id, 4))).toBe(false);
    expect((await inSite(lifecycle, (tx) => engine.latest(tx, 'article', target.id)))?.id).toBe(opened.id);

    await inSite(lifecycle, (tx) => engine.cancel(tx, actorFor(editor.id), 'article', target.id, 'edited after approval'), editor.id);
    expect(await request(opened.id)).toMatchObject({ status: 'cancelled' });
    expect(await inSite(lifecycle, (tx) => engine.isApproved(tx, 'article', target.id, 3))).toBe(false);
    // Nothing open or approved any more: a second cancel changes and records nothing.
    await inSite(lifecycle, (tx) => engine.cancel(tx, actorFor(editor.id), 'article', target.id, 'again'), editor.id);
    const audits = await auditActions(admiral, opened.id);
    expect(audits.map((a) => a.action)).toEqual(['approval.submitted', 'approval.approved', 'approval.cancelled']);
    expect(audits[2]?.metadata).toMatchObject({ reason: 'edited after approval' });
    const mail = await approvalMail(admiral, opened.id);
    expect(mail.map((m) => m.subject)).toEqual([`"A headline" was approved`, `Approval of "A headline" was cancelled`]);
    expect(mail.every((m) => m.to_address === requester.email && m.kind === 'approval')).toBe(true);

    // Withdrawn, the target may be submitted again.
    const again = await submit(admiral, lifecycle, requester.id, { ...target, version: 4 });
    expect(again).toMatchObject({ status: 'pending', targetVersion: 4 });
  });

  it('cancels a pending request; the requester cancelling their own is not mailed; nothing to cancel is a no-op', async () => {
    const target = articleTarget();
    const opened = await submit(admiral, lifecycle, requester.id, target);
    await inSite(lifecycle, (tx) => engineOf(admiral).cancel(tx, actorFor(requester.id), 'article', target.id, 'withdrawn'), requester.id);
    expect(await request(opened.id)).toMatchObject({ status: 'cancelled' });
    expect((await request(opened.id))?.resolved_at).not.toBeNull();
    expect(await approvalMail(admiral, opened.id)).toEqual([]);
    await inSite(lifecycle, (tx) => engineOf(admiral).cancel(tx, actorFor(requester.id), 'article', uuidv7(), 'nothing there'));
  });
});

describe('deleting a workflow', () => {
  it('is refused while requests follow it (deactivate instead), and allowed before any', async () => {
    const base = `/v1/sites/${lifecycle}/workflows`;
    const used = await createWorkflow(admiral, lifecycle, { steps: [{ name: 'Desk', role: 'editor', approvals: 1 }], priority: 0 }, admins.lifecycle);
    await submit(admiral, lifecycle, requester.id, articleTarget());
    const refused = await admiral.app.inject({ method: 'DELETE', url: `${base}/${used.id}`, headers: admins.lifecycle.headers });
    expect(refused.statusCode, refused.body).toBe(422);
    expect(refused.json()).toMatchObject({ code: 'reference_not_found' });
    const unused = await createWorkflow(admiral, lifecycle, { steps: [{ name: 'Desk', role: 'editor', approvals: 1 }], isActive: false }, admins.lifecycle);
    expect((await admiral.app.inject({ method: 'DELETE', url: `${base}/${unused.id}`, headers: admins.lifecycle.headers })).statusCode).toBe(204);
  });
});

describe('wiring', () => {
  it('an engine used before the workflows module attached it says so', async () => {
    const loose = new WorkflowEngine();
    await expect(inSite(lifecycle, (tx) => loose.latest(tx, 'article', uuidv7()))).rejects.toThrow(/not attached/);
  });

  it('a target type is registered once (unless replaced on purpose)', () => {
    const engine = new WorkflowEngine();
    engine.registerTarget('article', recorder);
    expect(() => engine.registerTarget('article', recorder)).toThrow(/already registered/);
    expect(() => engine.registerTarget('article', recorder, { replace: true })).not.toThrow();
  });
});

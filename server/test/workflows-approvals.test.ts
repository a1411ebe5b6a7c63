import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApprovalRequest } from '../src/modules/workflows/index.js';
import { expectProblem, insertSites } from './helpers/access.js';
import { startTestAdmiral, type TestAdmiral } from './helpers/app.js';
import { NO_RATE_LIMITS } from './helpers/identity.js';
import {
  act,
  approvalMail,
  articleTarget,
  auditActions,
  createRole,
  createWorkflow,
  engineOf,
  type Member,
  member,
  RecordingTarget,
  submit,
} from './helpers/workflows.js';

/**
 * Approving through the HTTP API, as the people a site really has: an author submits, editors (articles.review)
 * give step 1 its two approvals, someone in the custom `legal` role gives step 2 its one.
 */

let admiral: TestAdmiral;
const site = uuidv7();
const recorder = new RecordingTarget();
let admin: Member;
let author: Member;
let otherAuthor: Member;
let editors: [Member, Member, Member];
let lawyer: Member;

const base = `/v1/sites/${site}/approval-requests`;
const get = (who: Member, url: string) => admiral.app.inject({ method: 'GET', url, headers: who.headers });
const inbox = async (who: Member, query = 'actionable=true') =>
  ((await get(who, `${base}?${query}`)).json() as { data: ApprovalRequest[] }).data.map((r) => r.id);

beforeAll(async () => {
  admiral = await startTestAdmiral({ env: NO_RATE_LIMITS });
  await insertSites(admiral, site);
  engineOf(admiral).registerTarget('article', recorder, { replace: true });
  await createRole(admiral, site, 'legal');
  admin = await member(admiral, site, 'admin');
  [author, otherAuthor] = [await member(admiral, site, 'author'), await member(admiral, site, 'author')];
  editors = [await member(admiral, site, 'editor'), await member(admiral, site, 'editor'), await member(admiral, site, 'editor')];
  lawyer = await member(admiral, site, 'legal');
  await createWorkflow(
    admiral,
    site,
    {
      name: 'Two desks',
      steps: [
        { name: 'Editorial', permission: 'articles.review', approvals: 2 },
        { name: 'Legal', role: 'legal', approvals: 1 },
      ],
    },
    admin,
  );
});
afterAll(async () => admiral?.stop());

describe('a two-step workflow', () => {
  it('goes through both steps with the right people, in order, and resolves once', async () => {
    const [first, second, third] = editors;
    const target = articleTarget({ title: 'Budget leak', version: 2 });
    const { id } = await submit(admiral, site, author.user.id, target);

    // Who sees it waiting for them: the editors, not the author (theirs), not legal (not their step yet).
    expect(await inbox(first)).toContain(id);
    expect(await inbox(author)).not.toContain(id);
    expect(await inbox(lawyer)).not.toContain(id);
    expect(await inbox(author, 'status=pending')).toContain(id);

    // Separation of duties: the author may comment but not decide.
    for (const action of ['approve', 'reject', 'request_changes']) expectProblem(await act(admiral, site, id, author, { action }), 403, 'own_submission');
    const note = await act(admiral, site, id, author, { action: 'comment', comment: 'Sources attached.' });
    expect(note.statusCode, note.body).toBe(200);
    expect(note.json()).toMatchObject({ status: 'pending', currentStep: 1 });

    // Not named by step 1: another author, and legal.
    expectProblem(await act(admiral, site, id, otherAuthor, { action: 'approve' }), 403, 'not_an_approver');
    expectProblem(await act(admiral, site, id, lawyer, { action: 'approve' }), 403, 'not_an_approver');
    expectProblem(await act(admiral, site, id, otherAuthor, { action: 'comment', comment: 'Drive-by' }), 403, 'not_an_approver');

    const one = await act(admiral, site, id, first, { action: 'approve', comment: 'Fine by me' });
    expect(one.statusCode, one.body).toBe(200);
    expect(one.json()).toMatchObject({ id, status: 'pending', currentStep: 1, resolvedAt: null });
    expectProblem(await act(admiral, site, id, first, { action: 'approve' }), 409, 'already_approved');
    expect(await inbox(first)).not.toContain(id);
    expect(await inbox(second)).toContain(id);

    const two = await act(admiral, site, id, second, { action: 'approve' });
    expect(two.json()).toMatchObject({ status: 'pending', currentStep: 2 });
    expectProblem(await act(admiral, site, id, third, { action: 'approve' }), 403, 'not_an_approver');
    expect(await inbox(third)).not.toContain(id);
    expect(await inbox(lawyer)).toContain(id);
    expect(recorder.resolved.filter((r) => r.requestId === id)).toEqual([]);

    const done = await act(admiral, site, id, lawyer, { action: 'approve' });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ status: 'approved', currentStep: 2 });
    expect(done.json().resolvedAt).not.toBeNull();
    expect(recorder.resolved.filter((r) => r.requestId === id)).toEqual([{ requestId: id, outcome: 'approved', actorUserId: lawyer.user.id }]);
    expectProblem(await act(admiral, site, id, third, { action: 'comment', comment: 'late' }), 409, 'approval_not_pending');
    expect(await admiral.kernel.db.withTenant({ siteId: site }, (tx) => engineOf(admiral).isApproved(tx, 'article', target.id, 2))).toBe(true);

    // The request's page: every action in order, by step, and the workflow's steps.
    const detail = await get(first, `${base}/${id}`);
    expect(detail.statusCode, detail.body).toBe(200);
    const body = detail.json() as ApprovalRequest & {
      actions: Array<{ action: string; stepNumber: number; actionedBy: string; comment: string | null }>;
      workflow: { name: string; steps: unknown[] };
    };
    expect(body).toMatchObject({ id, status: 'approved', targetTitle: 'Budget leak', targetVersion: 2, requestedBy: author.user.id });
    expect(body.actions.map((a) => [a.action, a.stepNumber, a.actionedBy, a.comment])).toEqual([
      ['comment', 1, author.user.id, 'Sources attached.'],
      ['approve', 1, first.user.id, 'Fine by me'],
      ['approve', 1, second.user.id, null],
      ['approve', 2, lawyer.user.id, null],
    ]);
    expect(body.workflow).toMatchObject({ name: 'Two desks', steps: [{ name: 'Editorial' }, { name: 'Legal' }] });

    // The audit trail, on the site's chain, about the request.
    const audits = await auditActions(admiral, id);
    expect(audits.map((a) => a.action)).toEqual([
      'approval.submitted',
      'approval.commented',
      'approval.approved',
      'approval.approved',
      'approval.step_advanced',
      'approval.approved',
    ]);
    expect(audits.every((a) => a.site_id === site && a.target_type === 'approval_request')).toBe(true);
    expect(audits.map((a) => a.actor_user_id)).toEqual([author.user.id, author.user.id, first.user.id, second.user.id, second.user.id, lawyer.user.id]);

    // The author heard about every action by someone else, not about their own comment.
    const mail = await approvalMail(admiral, id);
    expect(mail.map((m) => m.subject)).toEqual(['Approval given on "Budget leak"', '"Budget leak" moved to step 2', '"Budget leak" was approved']);
    expect(mail.every((m) => m.to_address === author.user.email && m.kind === 'approval')).toBe(true);
    expect(mail[0]?.text_body).toContain('Comment: Fine by me');
  });

  it('a rejection ends the request at once and tells the requester why', async () => {
    const { id } = await submit(admiral, site, author.user.id, articleTarget({ title: 'Hot take' }));
    const res = await act(admiral, site, id, editors[0], { action: 'reject', comment: 'Not sourced' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'rejected', currentStep: 1 });
    expect(recorder.resolved.filter((r) => r.requestId === id).map((r) => r.outcome)).toEqual(['rejected']);
    expect((await auditActions(admiral, id)).map((a) => a.action)).toEqual(['approval.submitted', 'approval.rejected']);
    const [mail] = await approvalMail(admiral, id);
    expect(mail).toMatchObject({ subject: '"Hot take" was rejected', to_address: author.user.email });
    expect(mail?.text_body).toContain('Comment: Not sourced');
    expectProblem(await act(admiral, site, id, editors[1], { action: 'approve' }), 409, 'approval_not_pending');
  });

  it('a change request (even on step 2) sends it back; approvals so far do not carry over to a new submission', async () => {
    const target = articleTarget({ title: 'Long read' });
    const { id } = await submit(admiral, site, author.user.id, target);
    await act(admiral, site, id, editors[0], { action: 'approve' });
    await act(admiral, site, id, editors[1], { action: 'approve' });
    const res = await act(admiral, site, id, lawyer, { action: 'request_changes', comment: 'Cut paragraph 3' });
    expect(res.json()).toMatchObject({ status: 'changes_requested', currentStep: 2 });
    expect(recorder.resolved.filter((r) => r.requestId === id).map((r) => r.outcome)).toEqual(['changes_requested']);
    expect((await approvalMail(admiral, id)).at(-1)?.subject).toBe('Changes requested on "Long read"');

    const again = await submit(admiral, site, author.user.id, { ...target, version: 2 });
    expect(again).toMatchObject({ status: 'pending', currentStep: 1 });
    expect(await inbox(editors[0])).toContain(again.id);
  });

  it('filters the list by status, target and type, pages with a cursor, and 404s requests that do not exist', async () => {
    const target = articleTarget();
    const { id } = await submit(admiral, site, author.user.id, target);
    const byTarget = await get(editors[0], `${base}?targetId=${target.id}&targetType=article`);
    expect((byTarget.json() as { data: ApprovalRequest[] }).data.map((r) => r.id)).toEqual([id]);
    expect(await inbox(editors[0], 'targetType=page')).toEqual([]);
    expect(await inbox(editors[0], 'status=rejected')).not.toContain(id);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(editors[0], `${base}?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json() as { data: ApprovalRequest[]; nextCursor: string | null };
      seen.push(...page.data.map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor);
    const { rows } = await admiral.db.ownerQuery<{ id: string }>('SELECT id FROM approval_requests WHERE site_id = $1 ORDER BY id DESC', [site]);
    expect(seen).toEqual(rows.map((r) => r.id));

    expectProblem(await get(editors[0], `${base}/${uuidv7()}`), 404, 'not_found');
    expectProblem(await act(admiral, site, uuidv7(), editors[0], { action: 'approve' }), 404, 'not_found');
    expectProblem(await get(editors[0], `${base}?status=stuck`), 400, 'validation_failed');
  });

  it('a comment needs text; an unknown action is refused; nothing is written', async () => {
    const { id } = await submit(admiral, site, author.user.id, articleTarget());
    expectProblem(await act(admiral, site, id, editors[0], { action: 'comment' }), 422, 'comment_required');
    expectProblem(await act(admiral, site, id, editors[0], { action: 'comment', comment: '   ' }), 422, 'comment_required');
    expectProblem(await act(admiral, site, id, editors[0], { action: 'veto' }), 400, 'validation_failed');
    const { rows } = await admiral.db.ownerQuery('SELECT 1 FROM approval_actions WHERE approval_request_id = $1', [id]);
    expect(rows).toEqual([]);
  });

  it('readers without approvals.read cannot see the inbox', async () => {
    const guest = await member(admiral, site, 'registered');
    expectProblem(await get(guest, base), 403, 'permission_denied');
  });
});

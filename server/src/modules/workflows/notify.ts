import { inArray } from 'drizzle-orm';
import type { Tx } from '../../kernel/db/transaction.js';
import type { MailMessage } from '../../kernel/mail/mailer.js';
import { users } from '../identity/index.js';
import type { ApprovalRequest, WorkflowStep } from './types.js';

/** What happened to a request, for the requester's mail. */
export type RequestEvent =
  | { kind: 'approved_step'; step: WorkflowStep; stepNumber: number; approvals: number }
  | { kind: 'step_advanced'; step: WorkflowStep; stepNumber: number; next: WorkflowStep }
  | { kind: 'approved' }
  | { kind: 'rejected' }
  | { kind: 'changes_requested' }
  | { kind: 'commented' }
  | { kind: 'cancelled'; reason: string };

export const MAIL_KIND = 'approval';

/**
 * The mail telling the requester what someone else did to their request; null when there is nobody to tell
 * (the requester's account is gone, or they did it themselves).
 */
export async function requesterMail(
  tx: Tx,
  request: ApprovalRequest,
  actorUserId: string | null,
  event: RequestEvent,
  comment: string | null,
): Promise<MailMessage | null> {
  const requester = request.requestedBy;
  if (!requester || requester === actorUserId) return null;
  const people = await tx
    .select({ id: users.id, email: users.email, name: users.name, displayName: users.displayName, status: users.status })
    .from(users)
    .where(inArray(users.id, actorUserId ? [requester, actorUserId] : [requester]));
  const recipient = people.find((p) => p.id === requester);
  if (!recipient || recipient.status === 'deleted') return null;
  const actor = people.find((p) => p.id === actorUserId);
  const who = actor ? (actor.displayName ?? actor.name ?? actor.email) : 'Someone';
  const title = oneLine(request.targetTitle ?? `${request.targetType} ${request.targetId}`);
  const { subject, lead } = wording(event, who, title);
  const lines = [lead];
  if (comment) lines.push('', `Comment: ${comment}`);
  lines.push('', `Approval request ${request.id} (${request.targetType} ${request.targetId}, version ${request.targetVersion ?? '—'}).`);
  return {
    to: recipient.email,
    subject,
    text: lines.join('\n'),
    kind: MAIL_KIND,
    metadata: { approvalRequestId: request.id, siteId: request.siteId, event: event.kind },
  };
}

function wording(event: RequestEvent, who: string, title: string): { subject: string; lead: string } {
  switch (event.kind) {
    case 'approved_step':
      return {
        subject: `Approval given on "${title}"`,
        lead: `${who} approved step ${event.stepNumber} (${event.step.name}) of your submission "${title}": ${event.approvals} of ${event.step.approvals} approvals.`,
      };
    case 'step_advanced':
      return {
        subject: `"${title}" moved to step ${event.stepNumber + 1}`,
        lead: `${who} gave the last approval of step ${event.stepNumber} (${event.step.name}); "${title}" now waits for step ${event.stepNumber + 1} (${event.next.name}).`,
      };
    case 'approved':
      return { subject: `"${title}" was approved`, lead: `${who} gave the final approval: "${title}" is approved.` };
    case 'rejected':
      return { subject: `"${title}" was rejected`, lead: `${who} rejected your submission "${title}".` };
    case 'changes_requested':
      return { subject: `Changes requested on "${title}"`, lead: `${who} asked for changes to your submission "${title}".` };
    case 'commented':
      return { subject: `New comment on "${title}"`, lead: `${who} commented on your submission "${title}".` };
    case 'cancelled':
      return { subject: `Approval of "${title}" was cancelled`, lead: `${who} cancelled the approval request for "${title}": ${event.reason}` };
  }
}

/** Titles are user content: one line (mail headers forbid line breaks), and short enough for a subject. */
function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? `${flat.slice(0, 119)}…` : flat;
}

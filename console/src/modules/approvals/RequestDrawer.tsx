import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { useMe } from '../../app/session';
import { Drawer } from '../../components/Drawer';
import { ErrorState, Loading } from '../../components/States';
import { toast } from '../../components/Toasts';
import { AdmiralError, describeError } from '../../lib/api';
import { formatDateTime, formatRelative } from '../../lib/format';
import { UserName } from '../audit/Actor';
import { type ActionKind, type ApprovalRequestDetail, actOn, approvalsKey, getRequest } from './approval-api';
import { ACTION_WORDS, actionRefusal, progressOf, progressText, REQUEST_STATUS_LABELS } from './progress';
import { targetPath } from './ReviewInbox';

const DONE: Record<ActionKind, string> = { approve: 'Approved', reject: 'Rejected', request_changes: 'Changes requested', comment: 'Comment added' };

/** One approval request: what it is about, where it stands in its workflow, its history, and the reviewer's actions. */
export function RequestDrawer({ siteId, requestId, onClose }: { siteId: string; requestId: string | undefined; onClose: () => void }) {
  const detail = useQuery({
    queryKey: [...approvalsKey(siteId), 'detail', requestId],
    enabled: requestId !== undefined,
    queryFn: () => getRequest(siteId, requestId as string),
  });
  const request = detail.data;
  return (
    <Drawer
      open={requestId !== undefined}
      onOpenChange={(open) => !open && onClose()}
      title={request ? (request.targetTitle ?? 'Untitled') : 'Approval request'}
      description={request ? `${request.targetType}${request.targetVersion ? `, version ${request.targetVersion}` : ''} · ${request.workflow.name}` : undefined}
    >
      {detail.isLoading ? <Loading /> : null}
      {detail.error ? <ErrorState error={detail.error} onRetry={() => void detail.refetch()} /> : null}
      {request ? <RequestBody siteId={siteId} request={request} /> : null}
    </Drawer>
  );
}

function RequestBody({ siteId, request }: { siteId: string; request: ApprovalRequestDetail }) {
  const client = useQueryClient();
  const me = useMe();
  const [comment, setComment] = useState('');
  const progress = progressOf(request, request.workflow.steps, request.actions);
  const link = targetPath(siteId, request);
  const own = request.requestedBy === me.user.id;
  const act = useMutation({
    mutationFn: (action: ActionKind) => actOn(siteId, request.id, action, comment),
    onSuccess: async (_next, action) => {
      setComment('');
      toast({ title: DONE[action], variant: 'success' });
      await client.invalidateQueries({ queryKey: approvalsKey(siteId) });
      await client.invalidateQueries({ queryKey: [request.targetType === 'page' ? 'pages' : 'articles', siteId] });
    },
  });
  const refusal = act.error ? (actionRefusal(act.error instanceof AdmiralError ? act.error.code : undefined) ?? describeError(act.error)) : null;
  const pending = request.status === 'pending';
  return (
    <div className="inbox-request" data-testid="approval-request">
      <section className="inbox-summary">
        <span className={`status-badge status-${pending ? 'info' : request.status === 'approved' ? 'success' : 'neutral'}`}>
          {REQUEST_STATUS_LABELS[request.status] ?? request.status}
        </span>
        <span className="inbox-progress-text" data-testid="approval-progress">
          {progressText(request, progress)}
        </span>
        {link ? (
          <Link to={link} className="inbox-target-link">
            Open the {request.targetType}
          </Link>
        ) : null}
      </section>
      <dl className="inbox-facts">
        <dt>Submitted by</dt>
        <dd>{request.requestedBy ? <UserName id={request.requestedBy} /> : '—'}</dd>
        <dt>Submitted</dt>
        <dd>{formatDateTime(request.requestedAt)}</dd>
        {request.resolvedAt ? (
          <>
            <dt>Resolved</dt>
            <dd>{formatDateTime(request.resolvedAt)}</dd>
          </>
        ) : null}
      </dl>

      <section aria-labelledby="inbox-steps">
        <h3 id="inbox-steps">Steps</h3>
        <ol className="inbox-steps">
          {progress.list.map((step) => (
            <li key={step.number} className={`inbox-step inbox-step-${step.state}`} aria-current={step.state === 'current' ? 'step' : undefined}>
              <span className="inbox-step-mark" aria-hidden="true">
                {step.state === 'done' ? '✓' : step.number}
              </span>
              <span className="inbox-step-body">
                <span>
                  <strong>{step.name}</strong>
                  <span className="muted">
                    {' '}
                    · {step.who} · {step.approvals} of {step.needed} approval{step.needed === 1 ? '' : 's'}
                  </span>
                </span>
                <span className="inbox-bar" aria-hidden="true">
                  <span style={{ width: `${(step.approvals / step.needed) * 100}%` }} />
                </span>
              </span>
            </li>
          ))}
        </ol>
      </section>

      {pending ? (
        <section aria-labelledby="inbox-act" className="inbox-act">
          <h3 id="inbox-act">Your decision</h3>
          {own ? (
            <p className="notice inbox-own" role="note">
              You submitted this yourself. Nobody may approve, reject or send back their own submission; you can still comment.
            </p>
          ) : null}
          <label className="field">
            <span>Comment</span>
            <textarea
              className="input"
              rows={3}
              maxLength={5000}
              value={comment}
              onChange={(e) => setComment(e.target.value)}
              placeholder="What you checked, or what should change"
            />
          </label>
          {refusal ? (
            <div className="form-error" role="alert">
              {refusal}
            </div>
          ) : null}
          <div className="inbox-buttons">
            <button type="button" className="button button-primary" disabled={act.isPending || own} onClick={() => act.mutate('approve')}>
              Approve
            </button>
            <button type="button" className="button" disabled={act.isPending || own} onClick={() => act.mutate('request_changes')}>
              Request changes
            </button>
            <button type="button" className="button button-danger" disabled={act.isPending || own} onClick={() => act.mutate('reject')}>
              Reject
            </button>
            <button type="button" className="button" disabled={act.isPending || !comment.trim()} onClick={() => act.mutate('comment')}>
              Comment
            </button>
          </div>
        </section>
      ) : null}

      <section aria-labelledby="inbox-history">
        <h3 id="inbox-history">History</h3>
        {request.actions.length === 0 ? <p className="muted">No actions yet.</p> : null}
        <ol className="inbox-history">
          {request.actions.map((action) => (
            <li key={action.id} className={`inbox-action inbox-action-${action.action}`}>
              <div>
                <strong>{action.actionedBy ? action.actionedBy === me.user.id ? 'You' : <UserName id={action.actionedBy} /> : 'Someone'}</strong>{' '}
                {ACTION_WORDS[action.action] ?? action.action}
                <span className="muted"> · step {action.stepNumber} · </span>
                <time className="muted" dateTime={action.actionedAt} title={formatDateTime(action.actionedAt)}>
                  {formatRelative(action.actionedAt)}
                </time>
              </div>
              {action.comment ? <p className="inbox-comment">{action.comment}</p> : null}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}

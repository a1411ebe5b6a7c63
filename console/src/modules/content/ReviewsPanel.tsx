import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { useMe } from '../../app/session';
import { ErrorState, Loading } from '../../components/States';
import { toast } from '../../components/Toasts';
import { describeError, isProblem } from '../../lib/api';
import { formatDateTime, formatRelative } from '../../lib/format';
import { listRequests } from '../approvals/approval-api';
import { REQUEST_STATUS_LABELS } from '../approvals/progress';
import { UserName } from '../audit/Actor';
import { addReview, type Content, listReviews, type Review } from './content-api';
import type { KindInfo } from './kinds';

const DECISIONS: Record<Review['decision'], { label: string; tone: string }> = {
  approve: { label: 'Approved', tone: 'success' },
  request_changes: { label: 'Changes requested', tone: 'warning' },
  reject: { label: 'Rejected', tone: 'danger' },
};

/**
 * Reviews of this content, newest first, and — for reviewers, while it is in review — the review form.
 * With a workflow the decision also acts on the open approval request (linked to the inbox).
 */
export function ReviewsPanel({
  info,
  siteId,
  content,
  canReview,
  canReadApprovals,
  onReviewed,
}: {
  info: KindInfo;
  siteId: string;
  content: Content;
  canReview: boolean;
  canReadApprovals: boolean;
  onReviewed: () => void;
}) {
  const client = useQueryClient();
  const me = useMe();
  const reviews = useQuery({ queryKey: [info.plural, siteId, content.id, 'reviews'], queryFn: () => listReviews(siteId, info, content.id) });
  const requests = useQuery({
    queryKey: ['approval-requests', siteId, 'target', content.id],
    enabled: canReadApprovals,
    queryFn: () => listRequests(siteId, { targetId: content.id, targetType: info.kind }, undefined, 5),
  });
  const [decision, setDecision] = useState<Review['decision']>('approve');
  const [notes, setNotes] = useState('');
  const review = useMutation({
    mutationFn: () => addReview(siteId, info, content.id, decision, notes),
    onSuccess: async () => {
      setNotes('');
      toast({ title: 'Review recorded', variant: 'success' });
      await client.invalidateQueries({ queryKey: [info.plural, siteId, content.id] });
      await client.invalidateQueries({ queryKey: ['approval-requests', siteId] });
      onReviewed();
    },
  });
  const ownSubmission = isProblem(review.error, 409, 'own_submission') || isProblem(review.error, 403, 'own_submission');
  const latestRequest = requests.data?.data[0];

  return (
    <div className="cms-reviews">
      {latestRequest ? (
        <p className="cms-request-link">
          Approval request:{' '}
          <span className={`status-badge status-${latestRequest.status === 'pending' ? 'info' : 'neutral'}`}>
            {REQUEST_STATUS_LABELS[latestRequest.status] ?? latestRequest.status}
          </span>{' '}
          <Link to={`/sites/${siteId}/reviews`} search={{ request: latestRequest.id } as never}>
            Open in the review inbox
          </Link>
        </p>
      ) : null}
      {canReview && content.status === 'in_review' ? (
        <form
          className="cms-review-form"
          aria-label="Review"
          onSubmit={(event) => {
            event.preventDefault();
            review.mutate();
          }}
        >
          <fieldset className="cms-decisions">
            <legend>Your review of version {content.version}</legend>
            {(['approve', 'request_changes', 'reject'] as const).map((d) => (
              <label key={d} className="cms-decision">
                <input type="radio" name="decision" value={d} checked={decision === d} onChange={() => setDecision(d)} />
                {d === 'approve' ? 'Approve' : d === 'request_changes' ? 'Request changes' : 'Reject'}
              </label>
            ))}
          </fieldset>
          <label className="field">
            <span>Notes</span>
            <textarea className="input" rows={3} maxLength={5000} value={notes} onChange={(e) => setNotes(e.target.value)} />
          </label>
          {review.error ? (
            <div className="form-error" role="alert">
              {ownSubmission
                ? 'You submitted this yourself, and nobody may review their own submission: another reviewer has to decide.'
                : describeError(review.error)}
            </div>
          ) : null}
          <button type="submit" className="button button-primary" disabled={review.isPending}>
            {review.isPending ? 'Working…' : 'Send review'}
          </button>
        </form>
      ) : null}
      {reviews.isLoading ? <Loading /> : null}
      {reviews.error ? <ErrorState error={reviews.error} onRetry={() => void reviews.refetch()} /> : null}
      {reviews.data && reviews.data.length === 0 ? <p className="muted">No reviews yet.</p> : null}
      <ol className="cms-review-list" aria-label="Reviews">
        {(reviews.data ?? []).map((r) => (
          <li key={r.id} className="cms-review">
            <div className="cms-version-line">
              <span className={`status-badge status-${DECISIONS[r.decision].tone}`}>{DECISIONS[r.decision].label}</span>
              <span className="muted">v{r.version}</span>
              <span className="muted">by {r.reviewerId ? r.reviewerId === me.user.id ? 'you' : <UserName id={r.reviewerId} /> : 'someone'}</span>
              <time className="muted" dateTime={r.createdAt ?? undefined} title={formatDateTime(r.createdAt)}>
                {formatRelative(r.createdAt)}
              </time>
            </div>
            {r.notes ? <p className="cms-review-notes">{r.notes}</p> : null}
          </li>
        ))}
      </ol>
    </div>
  );
}

import { useMutation } from '@tanstack/react-query';
import { describeError } from '../../lib/api';
import { formatRelative } from '../../lib/format';
import { type AuditChain, type ChainReport, verifyChain } from './audit-api';

const REASONS: Record<NonNullable<ChainReport['firstBreak']>['reason'], string> = {
  hash_mismatch: 'the entry was changed after it was written',
  prev_hash_mismatch: 'its link to the entry before it was changed',
  sequence_gap: 'entries are missing before it',
  head_mismatch: 'entries were cut off the end of the trail',
};

const entries = (n: number) => `${Math.max(0, n)} ${n === 1 ? 'entry' : 'entries'}`;

/**
 * Verifies the hash chain on demand (the database recomputes every link) and says what it found: intact up to
 * N entries, or where it first breaks and why, with a way to open that entry.
 */
export function ChainStatus({ chain, canVerify, onOpenEntry }: { chain: AuditChain; canVerify: boolean; onOpenEntry: (id: string) => void }) {
  const verify = useMutation({ mutationFn: () => verifyChain(chain) });
  const report = verify.data;
  const checkedAt = verify.submittedAt ? new Date(verify.submittedAt).toISOString() : undefined;
  return (
    <div className="chain-status" data-testid="chain-status">
      <button
        type="button"
        className="button"
        onClick={() => verify.mutate()}
        disabled={!canVerify || verify.isPending}
        title={canVerify ? 'Recompute every hash of this trail' : 'You lack the permission audit.verify'}
        aria-busy={verify.isPending || undefined}
      >
        {verify.isPending ? 'Verifying…' : report ? 'Verify again' : 'Verify chain'}
      </button>
      <span aria-live="polite" className="chain-status-result">
        {verify.error ? <span className="chain-badge chain-badge-error">Could not verify: {describeError(verify.error)}</span> : null}
        {report?.ok ? (
          <span className="chain-badge chain-badge-ok" data-state="intact">
            <span aria-hidden="true">✓</span> Chain intact up to {entries(report.rows)}
          </span>
        ) : null}
        {report && !report.ok && report.firstBreak ? (
          <span className="chain-badge chain-badge-broken" data-state="broken">
            <span aria-hidden="true">✗</span> Broken at entry #{report.firstBreak.seq}
            {report.firstBreak.id ? (
              <>
                {' '}
                (
                <button type="button" className="button-inline" onClick={() => onOpenEntry(report.firstBreak?.id as string)}>
                  <code>{report.firstBreak.id}</code>
                </button>
                )
              </>
            ) : null}
            : {REASONS[report.firstBreak.reason]}. Intact up to {entries(report.firstBreak.seq - 1)}.
          </span>
        ) : null}
        {report && checkedAt ? (
          <span className="muted chain-checked">
            checked <time dateTime={checkedAt}>{formatRelative(checkedAt)}</time>
          </span>
        ) : null}
      </span>
    </div>
  );
}

import { type ContentStatus, STATUS_LABELS, STATUS_TONES } from './lifecycle';

/** A status pill that says its state in text, not only in colour. */
export function StatusBadge({ status }: { status: ContentStatus }) {
  return (
    <span className={`status-badge status-${STATUS_TONES[status]}`} data-status={status}>
      {STATUS_LABELS[status]}
    </span>
  );
}

import { useState } from 'react';
import { Dialog } from '../../components/Dialog';
import type { Content } from './content-api';
import { ACTION_LABELS, allowedActions, type ContentAbilities, describeState, isFuture, type LifecycleAction, toLocalInput } from './lifecycle';
import { StatusBadge } from './StatusBadge';

/**
 * The editor's bar: status, what is live, the lifecycle actions this caller may take now, and Save. While
 * there are unsaved edits the lifecycle actions wait (they act on the saved version).
 */
export function StatusBar({
  content,
  liveVersion,
  can,
  dirty,
  saving,
  busy,
  onSave,
  onDiscard,
  onAction,
}: {
  content: Content;
  liveVersion: number | null;
  can: ContentAbilities & { save: boolean };
  dirty: boolean;
  saving: boolean;
  busy: LifecycleAction | null;
  onSave: () => void;
  onDiscard: () => void;
  onAction: (action: LifecycleAction, at?: string) => void;
}) {
  const [scheduling, setScheduling] = useState(false);
  const actions = allowedActions({ status: content.status, live: liveVersion !== null }, can);
  const waitTitle = dirty ? 'Save your changes first' : undefined;
  return (
    <section className={`cms-status-bar${dirty ? ' cms-status-dirty' : ''}`} aria-label="Status and actions">
      <div className="cms-status-state">
        <StatusBadge status={content.status} />
        <span className="cms-status-text" data-testid="status-text">
          {describeState({
            status: content.status,
            live: liveVersion !== null,
            publishedVersion: liveVersion,
            version: content.version,
            scheduledFor: content.scheduledFor,
          })}
        </span>
      </div>
      <div className="cms-status-actions">
        {actions.map((action, index) => (
          <button
            key={action}
            type="button"
            className={`button button-small${action === 'delete' ? ' button-danger' : index === 0 && action !== 'archive' ? ' cms-button-accent' : ''}`}
            disabled={dirty || busy !== null || saving}
            title={waitTitle}
            aria-busy={busy === action || undefined}
            onClick={() => (action === 'schedule' ? setScheduling(true) : onAction(action))}
          >
            {busy === action ? 'Working…' : ACTION_LABELS[action]}
          </button>
        ))}
        {can.save ? (
          <>
            <span className="cms-status-sep" aria-hidden="true" />
            <span className="muted cms-save-state" aria-live="polite">
              {dirty ? 'Unsaved changes' : `Saved · v${content.version}`}
            </span>
            {dirty ? (
              <button type="button" className="button button-small" onClick={onDiscard} disabled={saving}>
                Discard
              </button>
            ) : null}
            <button type="button" className="button button-primary button-small" onClick={onSave} disabled={!dirty || saving} aria-busy={saving || undefined}>
              {saving ? 'Saving…' : 'Save'}
            </button>
          </>
        ) : null}
      </div>
      {scheduling ? (
        <ScheduleDialog
          onClose={() => setScheduling(false)}
          onSchedule={(at) => {
            setScheduling(false);
            onAction('schedule', at);
          }}
        />
      ) : null}
    </section>
  );
}

function ScheduleDialog({ onClose, onSchedule }: { onClose: () => void; onSchedule: (isoTime: string) => void }) {
  const [value, setValue] = useState(() => toLocalInput(new Date(Date.now() + 60 * 60 * 1000)));
  const future = isFuture(value);
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <Dialog
      open
      onOpenChange={(open) => !open && onClose()}
      title="Schedule publication"
      description="It goes live at that moment by itself, unless it is edited or unscheduled before."
    >
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          if (future) onSchedule(new Date(value).toISOString());
        }}
      >
        <label className="field">
          <span>Publish at</span>
          <input
            type="datetime-local"
            className="input"
            value={value}
            min={toLocalInput(new Date())}
            onChange={(e) => setValue(e.target.value)}
            aria-invalid={!future || undefined}
            required
          />
          <span className="field-hint">Your local time ({zone}).</span>
          {!future ? <span className="field-error">Pick a moment in the future.</span> : null}
        </label>
        <div className="form-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={!future}>
            Schedule
          </button>
        </div>
      </form>
    </Dialog>
  );
}

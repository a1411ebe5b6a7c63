import { useConfirm } from '../../components/ConfirmDialog';
import { CopyButton } from '../../components/CopyButton';
import { Dialog } from '../../components/Dialog';
import type { Schema } from '../../lib/api';

/**
 * The whole key, shown this once (Admiral keeps only its hash). Closing without the "stored it" button
 * (Escape, the ×, a click outside) asks first, so nobody loses a key by a stray click.
 */
export function SecretDialog({ created, rotated, onClose }: { created: Schema<'ApiKeyWithSecret'>; rotated: boolean; onClose: () => void }) {
  const confirm = useConfirm();
  const example = `curl -H "Authorization: Bearer ${created.key}" ${window.location.origin}/v1/sites/${created.siteId}/…`;
  return (
    <Dialog
      open
      wide
      onOpenChange={async (open) => {
        if (open) return;
        const sure = await confirm({
          title: 'Close without the key?',
          description: 'This is the only time the key is shown. If you have not copied it, you will have to rotate the key to get a new one.',
          confirmLabel: 'Close',
          destructive: true,
        });
        if (sure) onClose();
      }}
      title={rotated ? `New key for ${created.name}` : `API key ${created.name} created`}
    >
      <div className="stack" data-testid="api-key-secret-dialog">
        <p className="notice" role="alert">
          <strong>Copy this key now: it is shown only once.</strong> Admiral stores only a hash of it and cannot show it again.
          {rotated ? ' The previous key has stopped working.' : ''}
        </p>
        <div className="secret-box">
          <code data-testid="api-key-secret">{created.key}</code>
          <CopyButton value={created.key} label="Copy key" />
        </div>
        <p className="muted">
          Send it as a bearer token. It acts on this site only, with the {created.permissions.length} permission
          {created.permissions.length === 1 ? '' : 's'} it was given
          {created.expiresAt ? `, until ${new Date(created.expiresAt).toLocaleString()}` : ', and never expires'}.
        </p>
        <pre className="code-example">{example}</pre>
        <div className="dialog-actions">
          <button type="button" className="button button-primary" onClick={onClose}>
            I have stored the key
          </button>
        </div>
      </div>
    </Dialog>
  );
}

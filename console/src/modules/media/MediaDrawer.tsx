import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useMe, usePermissions } from '../../app/session';
import { useConfirm } from '../../components/ConfirmDialog';
import { CopyButton } from '../../components/CopyButton';
import { Drawer } from '../../components/Drawer';
import { ErrorState, Loading } from '../../components/States';
import { toast } from '../../components/Toasts';
import { describeError, isProblem } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { UserName } from '../audit/Actor';
import { MediaEditForm } from './MediaEditForm';
import { MediaThumb } from './MediaIcon';
import { deleteMedia, getMedia, type MediaAsset, mediaKey, purgeMedia, restoreMedia, signedUrl } from './media-api';
import { formatBytes } from './upload-queue';

/** One file: preview, facts, derivatives, title / alt text / visibility, signed link, delete or restore. */
export function MediaDrawer({
  siteId,
  assetId,
  known,
  onClose,
}: {
  siteId: string;
  assetId: string | undefined;
  known: MediaAsset | undefined;
  onClose: () => void;
}) {
  const detail = useQuery({
    queryKey: [...mediaKey(siteId), 'asset', assetId],
    enabled: assetId !== undefined,
    queryFn: () => getMedia(siteId, assetId as string),
    // While derivatives are being made, look again every 2 s.
    refetchInterval: (query) => (['pending', 'processing'].includes(query.state.data?.data.processingStatus ?? '') ? 2000 : false),
  });
  const asset = detail.data?.data ?? known;
  return (
    <Drawer
      open={assetId !== undefined}
      onOpenChange={(open) => !open && onClose()}
      title={asset ? (asset.title ?? asset.filename) : 'Media'}
      description={asset ? `${asset.mimeType} · ${formatBytes(asset.sizeBytes)}` : undefined}
    >
      {detail.isLoading && !asset ? <Loading /> : null}
      {detail.error ? <ErrorState error={detail.error} onRetry={() => void detail.refetch()} /> : null}
      {asset && detail.data ? <MediaDetail siteId={siteId} asset={detail.data.data} etag={detail.data.etag} onClose={onClose} /> : null}
    </Drawer>
  );
}

function MediaDetail({ siteId, asset, etag, onClose }: { siteId: string; asset: MediaAsset; etag: string | null; onClose: () => void }) {
  const client = useQueryClient();
  const confirm = useConfirm();
  const me = useMe();
  const permissions = usePermissions(siteId);
  const mine = asset.uploadedBy === me.user.id;
  const held = (key: string) => permissions.can(key) && (!permissions.ownOnly(key) || mine);
  const refresh = () => client.invalidateQueries({ queryKey: mediaKey(siteId) });

  const remove = useMutation({
    mutationFn: () => deleteMedia(siteId, asset.id, etag),
    onSuccess: async () => {
      toast({ title: `${asset.filename} deleted`, description: 'It stays restorable under “Deleted” until it is purged.', variant: 'success' });
      await refresh();
      onClose();
    },
    onError: (error) =>
      toast({ title: 'Not deleted', description: isProblem(error, 412) ? 'It changed meanwhile; look again.' : describeError(error), variant: 'error' }),
  });
  const restore = useMutation({
    mutationFn: () => restoreMedia(siteId, asset.id),
    onSuccess: async () => {
      toast({ title: `${asset.filename} restored`, variant: 'success' });
      await refresh();
    },
    onError: (error) => toast({ title: 'Not restored', description: describeError(error), variant: 'error' }),
  });
  const purge = useMutation({
    mutationFn: () => purgeMedia(siteId, asset.id),
    onSuccess: async () => {
      toast({ title: `${asset.filename} purged`, variant: 'success' });
      await refresh();
      onClose();
    },
    onError: (error) => toast({ title: 'Not purged', description: describeError(error), variant: 'error' }),
  });

  const preview = asset.mediaType === 'image' ? (asset.url ?? asset.thumbnailUrl) : null;
  return (
    <div className="media-detail" data-testid="media-detail">
      <div className="media-preview">{preview ? <img src={preview} alt={asset.altText ?? ''} /> : <MediaThumb asset={asset} />}</div>
      {asset.deletedAt ? (
        <p className="notice" role="note">
          Deleted {formatDateTime(asset.deletedAt)}. It is kept until the purge job removes it; restoring brings it back as it was.
        </p>
      ) : null}
      {asset.processingStatus === 'failed' ? (
        <div className="form-error" role="note">
          Processing failed: {asset.processingError ?? 'no reason recorded'}.
        </div>
      ) : null}
      <div className="media-detail-actions">
        {asset.url ? (
          <a className="button button-small" href={asset.url} target="_blank" rel="noreferrer">
            Open the file
          </a>
        ) : null}
        {!asset.deletedAt ? <SignedLink siteId={siteId} asset={asset} /> : null}
        {asset.deletedAt ? (
          held('media.delete') ? (
            <button type="button" className="button button-small button-primary" onClick={() => restore.mutate()} disabled={restore.isPending}>
              Restore
            </button>
          ) : null
        ) : held('media.delete') ? (
          <button
            type="button"
            className="button button-small button-danger"
            disabled={remove.isPending}
            onClick={async () => {
              if (
                await confirm({
                  title: `Delete ${asset.filename}?`,
                  description: 'It disappears from the library and from pages using it, but can be restored until it is purged.',
                  confirmLabel: 'Delete',
                  destructive: true,
                })
              )
                remove.mutate();
            }}
          >
            Delete
          </button>
        ) : null}
        {permissions.can('media.purge') ? (
          <button
            type="button"
            className="button button-small button-danger"
            disabled={purge.isPending}
            onClick={async () => {
              if (
                await confirm({
                  title: `Purge ${asset.filename} now?`,
                  description: 'Its bytes and derivatives are removed at once, skipping the retention period. This cannot be undone.',
                  confirmLabel: 'Purge for good',
                  destructive: true,
                })
              )
                purge.mutate();
            }}
          >
            Purge now
          </button>
        ) : null}
      </div>

      <dl className="media-facts">
        <dt>File name</dt>
        <dd>{asset.filename}</dd>
        <dt>Type</dt>
        <dd>
          {asset.mediaType} · <code>{asset.mimeType}</code>
        </dd>
        <dt>Size</dt>
        <dd>
          {formatBytes(asset.sizeBytes)}
          {asset.width && asset.height ? ` · ${asset.width}×${asset.height} px` : ''}
          {asset.durationMs ? ` · ${Math.round(asset.durationMs / 1000)} s` : ''}
        </dd>
        <dt>Processing</dt>
        <dd>{asset.processingStatus}</dd>
        <dt>Visibility</dt>
        <dd>{asset.visibility === 'private' ? 'Private: only through signed links' : 'Public'}</dd>
        <dt>Uploaded</dt>
        <dd>
          {formatDateTime(asset.createdAt)} by {asset.uploadedBy ? <UserName id={asset.uploadedBy} /> : 'unknown'}
        </dd>
        <dt>Checksum</dt>
        <dd>
          <code className="media-checksum">{asset.checksum}</code>
        </dd>
      </dl>

      <section aria-labelledby="media-derivatives">
        <h3 id="media-derivatives">Derivatives</h3>
        {asset.derivatives.length === 0 ? (
          <p className="muted">{asset.processingStatus === 'pending' || asset.processingStatus === 'processing' ? 'Being made…' : 'None for this file.'}</p>
        ) : (
          <table className="media-derivatives">
            <thead>
              <tr>
                <th scope="col">Variant</th>
                <th scope="col">Type</th>
                <th scope="col">Size</th>
                <th scope="col">Bytes</th>
              </tr>
            </thead>
            <tbody>
              {asset.derivatives.map((d) => (
                <tr key={d.variant}>
                  <td>
                    {d.url ? (
                      <a href={d.url} target="_blank" rel="noreferrer">
                        {d.variant}
                      </a>
                    ) : (
                      d.variant
                    )}
                  </td>
                  <td>
                    <code>{d.mimeType}</code>
                  </td>
                  <td>{d.width && d.height ? `${d.width}×${d.height}` : '—'}</td>
                  <td>{formatBytes(d.bytes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      {!asset.deletedAt ? <MediaEditForm key={etag ?? asset.updatedAt} siteId={siteId} asset={asset} etag={etag} disabled={!held('media.update')} /> : null}
    </div>
  );
}

/** A signed link to the file (or a derivative) that works without signing in, for a chosen time. */
function SignedLink({ siteId, asset }: { siteId: string; asset: MediaAsset }) {
  const [seconds, setSeconds] = useState(3600);
  const link = useMutation({ mutationFn: () => signedUrl(siteId, asset.id, undefined, seconds) });
  return (
    <span className="media-signed">
      <select className="input cms-select" aria-label="Link valid for" value={seconds} onChange={(e) => setSeconds(Number(e.target.value))}>
        <option value={600}>10 minutes</option>
        <option value={3600}>1 hour</option>
        <option value={86400}>24 hours</option>
      </select>
      <button type="button" className="button button-small" onClick={() => link.mutate()} disabled={link.isPending}>
        {asset.visibility === 'private' ? 'Signed link' : 'Signed link (for sharing)'}
      </button>
      {link.data ? (
        <span className="media-signed-result">
          <code className="media-signed-url">{link.data.url}</code>
          <CopyButton value={link.data.url} label="Copy signed URL" />
          <span className="muted">until {formatDateTime(link.data.expiresAt)}</span>
        </span>
      ) : null}
      {link.error ? <span className="field-error">{describeError(link.error)}</span> : null}
    </span>
  );
}

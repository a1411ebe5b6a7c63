import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useCallback, useEffect, useRef } from 'react';
import { siteRoute } from '../../app/routes';
import { usePermissions } from '../../app/session';
import { EmptyState, ErrorState, Loading } from '../../components/States';
import { useCursorList } from '../../lib/use-cursor-list';
import { SearchBox } from '../content/SearchBox';
import { MediaDrawer } from './MediaDrawer';
import { MediaThumb } from './MediaIcon';
import { listMedia, MEDIA_TYPES, type MediaAsset, mediaKey, PROCESSING_STATUSES } from './media-api';
import { type MediaSearch, mediaRoute } from './routes';
import { UploadZone } from './UploadZone';
import { formatBytes } from './upload-queue';
import '../content/content.css';
import './media.css';

const TYPE_LABELS: Record<string, string> = { image: 'Images', video: 'Video', audio: 'Audio', document: 'Documents', other: 'Other' };

/** `/sites/<id>/media`: the media library — upload, filter, browse thumbnails, open one in the drawer. */
export default function MediaLibrary() {
  const { site } = siteRoute.useRouteContext();
  const search = mediaRoute.useSearch();
  const navigate = useNavigate();
  const permissions = usePermissions(site.id);
  const setSearch = useCallback(
    (patch: Partial<MediaSearch>, replace = true) =>
      void navigate({ to: `/sites/${site.id}/media`, search: (old: MediaSearch) => ({ ...old, ...patch }) as never, replace }),
    [navigate, site.id],
  );
  const query = { mediaType: search.mediaType, processingStatus: search.processingStatus, deleted: search.deleted, q: search.q };
  const list = useCursorList([...mediaKey(site.id), 'list', query], (cursor) => listMedia(site.id, query, cursor));
  const filtered = Boolean(search.mediaType || search.processingStatus || search.deleted || search.q);
  const processing = list.rows.some((a) => a.processingStatus === 'pending' || a.processingStatus === 'processing');

  return (
    <div className="page page-wide media-page">
      <header className="page-header">
        <h1>Media</h1>
        <p className="muted">Images, video, sound and documents of {site.name}. Uploads are checked by content and get thumbnails by themselves.</p>
      </header>
      {permissions.can('media.upload') && !search.deleted ? <UploadZone siteId={site.id} onUploaded={() => undefined} /> : null}
      <div className="media-filters">
        <SearchBox value={search.q ?? ''} onSearch={(q) => setSearch({ q: q || undefined })} label="Search files" />
        <fieldset className="cms-chips" aria-label="Media type">
          {[undefined, ...MEDIA_TYPES].map((type) => (
            <button
              key={type ?? 'all'}
              type="button"
              className={`cms-chip${search.mediaType === type ? ' cms-chip-on' : ''}`}
              aria-pressed={search.mediaType === type}
              onClick={() => setSearch({ mediaType: type })}
            >
              {type ? TYPE_LABELS[type] : 'All types'}
            </button>
          ))}
        </fieldset>
        <label className="cms-inline-field">
          <span>Processing</span>
          <select
            className="input cms-select"
            value={search.processingStatus ?? ''}
            onChange={(e) => setSearch({ processingStatus: e.target.value || undefined })}
          >
            <option value="">Any</option>
            {PROCESSING_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="cms-inline-field media-deleted-toggle">
          <input type="checkbox" checked={search.deleted === true} onChange={(e) => setSearch({ deleted: e.target.checked || undefined })} />
          <span>Deleted (awaiting purge)</span>
        </label>
      </div>
      {list.isLoading ? <Loading /> : null}
      {list.error ? <ErrorState error={list.error} onRetry={list.refetch} /> : null}
      {!list.isLoading && !list.error && list.rows.length === 0 ? (
        filtered ? (
          <EmptyState
            title={search.deleted ? 'Nothing deleted' : 'No files match'}
            action={
              <button
                type="button"
                className="button"
                onClick={() => setSearch({ mediaType: undefined, processingStatus: undefined, deleted: undefined, q: undefined })}
              >
                Clear filters
              </button>
            }
          />
        ) : (
          <EmptyState title="No media yet">Drop files above to upload the first ones.</EmptyState>
        )
      ) : null}
      <ul className="media-grid" aria-label={search.deleted ? 'Deleted media' : 'Media'}>
        {list.rows.map((asset) => (
          <li key={asset.id}>
            <MediaCard asset={asset} onOpen={() => setSearch({ asset: asset.id }, false)} />
          </li>
        ))}
      </ul>
      {list.hasMore ? (
        <div className="media-more">
          <button type="button" className="button" onClick={list.loadMore} disabled={list.loadingMore}>
            {list.loadingMore ? 'Loading…' : 'Load more'}
          </button>
        </div>
      ) : null}
      <MediaDrawer
        siteId={site.id}
        assetId={search.asset}
        known={list.rows.find((a) => a.id === search.asset)}
        onClose={() => setSearch({ asset: undefined })}
      />
      <ProcessingPoll active={processing} siteId={site.id} />
    </div>
  );
}

function MediaCard({ asset, onOpen }: { asset: MediaAsset; onOpen: () => void }) {
  const name = asset.title ?? asset.filename;
  return (
    <button
      type="button"
      className={`media-card${asset.deletedAt ? ' media-card-deleted' : ''}`}
      onClick={onOpen}
      aria-label={`${name}, ${asset.mediaType}`}
      data-testid="media-card"
    >
      <MediaThumb asset={asset} />
      <span className="media-card-name" title={asset.filename}>
        {name}
      </span>
      <span className="media-card-meta muted">
        {formatBytes(asset.sizeBytes)}
        {asset.width && asset.height ? ` · ${asset.width}×${asset.height}` : ''}
      </span>
      {asset.processingStatus === 'pending' || asset.processingStatus === 'processing' ? <span className="media-card-flag">Processing…</span> : null}
      {asset.processingStatus === 'failed' ? <span className="media-card-flag media-card-flag-bad">Processing failed</span> : null}
      {asset.visibility === 'private' ? <span className="media-card-flag media-card-private">Private</span> : null}
    </button>
  );
}

/** While some file is still being processed, reload the list every 2 s so its thumbnail appears by itself. */
function ProcessingPoll({ active, siteId }: { active: boolean; siteId: string }) {
  const client = useQueryClient();
  useIntervalWhen(active, 2000, () => void client.invalidateQueries({ queryKey: [...mediaKey(siteId), 'list'] }));
  return null;
}

function useIntervalWhen(active: boolean, ms: number, tick: () => void) {
  const saved = useRef(tick);
  saved.current = tick;
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => saved.current(), ms);
    return () => clearInterval(timer);
  }, [active, ms]);
}

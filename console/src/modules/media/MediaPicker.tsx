import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Dialog } from '../../components/Dialog';
import { EmptyState, ErrorState, Loading } from '../../components/States';
import { useCursorList } from '../../lib/use-cursor-list';
import { MediaThumb } from './MediaIcon';
import { getMedia, listMedia, mediaKey } from './media-api';
import './media.css';

/** A featured image: the chosen one's thumbnail and name, with Choose / Remove; choosing opens the library's images. */
export function FeaturedImage({
  siteId,
  value,
  onChange,
  disabled,
}: {
  siteId: string;
  value: string | null;
  onChange: (id: string | null) => void;
  disabled?: boolean;
}) {
  const [picking, setPicking] = useState(false);
  const asset = useQuery({ queryKey: [...mediaKey(siteId), 'asset', value], enabled: value !== null, queryFn: () => getMedia(siteId, value as string) });
  return (
    <div className="field media-featured" data-pointer="/featuredMediaId">
      <span className="media-featured-label">Featured image</span>
      <div className="media-featured-body">
        {value === null ? (
          <span className="muted">None</span>
        ) : asset.data ? (
          <>
            <MediaThumb asset={asset.data.data} size="small" />
            <span className="media-featured-name">{asset.data.data.title ?? asset.data.data.filename}</span>
          </>
        ) : asset.error ? (
          <span className="muted">Not found (deleted?)</span>
        ) : (
          <Loading />
        )}
      </div>
      <div className="media-featured-actions">
        <button type="button" className="button button-small" onClick={() => setPicking(true)} disabled={disabled}>
          {value ? 'Change…' : 'Choose…'}
        </button>
        {value ? (
          <button type="button" className="button button-small button-link" onClick={() => onChange(null)} disabled={disabled}>
            Remove
          </button>
        ) : null}
      </div>
      {picking ? (
        <MediaPickerDialog
          siteId={siteId}
          onClose={() => setPicking(false)}
          onPick={(id) => {
            onChange(id);
            setPicking(false);
          }}
        />
      ) : null}
    </div>
  );
}

function MediaPickerDialog({ siteId, onClose, onPick }: { siteId: string; onClose: () => void; onPick: (id: string) => void }) {
  const list = useCursorList([...mediaKey(siteId), 'picker'], (cursor) => listMedia(siteId, { mediaType: 'image' }, cursor, 48));
  return (
    <Dialog
      open
      onOpenChange={(open) => !open && onClose()}
      title="Choose a featured image"
      description="Images of the media library. Upload new ones under Media."
      wide
    >
      {list.isLoading ? <Loading /> : null}
      {list.error ? <ErrorState error={list.error} onRetry={list.refetch} /> : null}
      {!list.isLoading && !list.error && list.rows.length === 0 ? <EmptyState title="No images yet">Upload some in the media library first.</EmptyState> : null}
      <ul className="media-grid media-grid-picker" aria-label="Images">
        {list.rows.map((asset) => (
          <li key={asset.id}>
            <button type="button" className="media-card" onClick={() => onPick(asset.id)} aria-label={`Choose ${asset.title ?? asset.filename}`}>
              <MediaThumb asset={asset} />
              <span className="media-card-name">{asset.title ?? asset.filename}</span>
            </button>
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
    </Dialog>
  );
}

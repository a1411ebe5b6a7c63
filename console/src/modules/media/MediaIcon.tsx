import type { MediaAsset } from './media-api';
import { thumbnailOf } from './media-api';

const ICONS: Record<MediaAsset['mediaType'], string> = { image: '🖼', video: '🎬', audio: '🎵', document: '📄', other: '📦' };

/** The asset's thumbnail derivative, or an icon by media type while there is none (processing, or not an image). */
export function MediaThumb({ asset, size = 'grid' }: { asset: MediaAsset; size?: 'grid' | 'small' }) {
  const src = thumbnailOf(asset);
  if (src) return <img className={`media-thumb media-thumb-${size}`} src={src} alt={asset.altText ?? ''} loading="lazy" data-testid="media-thumbnail" />;
  return (
    <span className={`media-thumb media-thumb-${size} media-thumb-icon`} role="img" aria-label={`${asset.mediaType} file`}>
      <span aria-hidden="true">{ICONS[asset.mediaType]}</span>
      <span className="media-thumb-ext">{asset.extension || asset.mediaType}</span>
    </span>
  );
}

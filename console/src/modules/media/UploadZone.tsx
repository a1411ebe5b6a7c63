import { useQueryClient } from '@tanstack/react-query';
import { type DragEvent, useEffect, useReducer, useRef, useState } from 'react';
import { toast } from '../../components/Toasts';
import { mediaKey } from './media-api';
import { type UploadFailure, uploadFile } from './upload';
import { formatBytes, nextToStart, percentOf, summaryOf, uploadErrorText, uploadReducer } from './upload-queue';

/**
 * Drop files here or pick them: each uploads with its own progress bar (two at a time), and ends as uploaded,
 * "already in the library" (same bytes), or failed with the reason in words (413 too large, 415 type, 422 content).
 */
export function UploadZone({ siteId, onUploaded }: { siteId: string; onUploaded: (assetId: string) => void }) {
  const client = useQueryClient();
  const [items, dispatch] = useReducer(uploadReducer, []);
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const files = useRef(new Map<string, File>());
  const uploaded = useRef(onUploaded);
  uploaded.current = onUploaded;

  useEffect(() => {
    for (const item of nextToStart(items)) {
      const file = files.current.get(item.id);
      // Taken out of the map at once: an effect run before the state catches up must not start it twice.
      if (!file) continue;
      files.current.delete(item.id);
      dispatch({ type: 'start', id: item.id });
      uploadFile(siteId, file, (loaded, total) => dispatch({ type: 'progress', id: item.id, loaded, total }))
        .then(async ({ asset, duplicate }) => {
          dispatch({ type: 'done', id: item.id, assetId: asset.id, duplicate });
          await client.invalidateQueries({ queryKey: mediaKey(siteId) });
          if (duplicate)
            toast({
              title: `${file.name} is already in the library`,
              description: 'The same file was uploaded before; nothing new was stored.',
              variant: 'info',
            });
          else uploaded.current(asset.id);
        })
        .catch((failure: UploadFailure) => dispatch({ type: 'failed', id: item.id, error: uploadErrorText(failure, file) }));
    }
  }, [items, siteId, client]);

  const add = (list: FileList | null) => {
    if (!list || list.length === 0) return;
    const added = [...list].map((file) => {
      const id = crypto.randomUUID();
      files.current.set(id, file);
      return { id, name: file.name, size: file.size };
    });
    dispatch({ type: 'add', items: added });
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    add(event.dataTransfer.files);
  };
  const finished = items.some((i) => i.status !== 'queued' && i.status !== 'uploading');

  return (
    <section className="media-upload" aria-label="Upload">
      {/* biome-ignore lint/a11y/noStaticElementInteractions: the drop target; the button inside is the keyboard way */}
      <div
        className={`media-dropzone${over ? ' media-dropzone-over' : ''}`}
        data-testid="media-dropzone"
        onDragOver={(event) => {
          event.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <span aria-hidden="true" className="media-dropzone-icon">
          ⇪
        </span>
        <span>Drop files here to upload, or</span>
        <button type="button" className="button button-small" onClick={() => input.current?.click()}>
          Choose files…
        </button>
        <input
          ref={input}
          type="file"
          multiple
          hidden
          aria-label="Files to upload"
          data-testid="media-file-input"
          onChange={(event) => {
            add(event.target.files);
            event.target.value = '';
          }}
        />
      </div>
      {items.length > 0 ? (
        <div className="media-queue">
          <div className="media-queue-bar">
            <span className="muted" aria-live="polite">
              {summaryOf(items)}
            </span>
            {finished ? (
              <button type="button" className="button button-small button-link" onClick={() => dispatch({ type: 'clear-finished' })}>
                Clear finished
              </button>
            ) : null}
          </div>
          <ul className="media-queue-list" aria-label="Uploads">
            {items.map((item) => (
              <li key={item.id} className={`media-queue-item media-queue-${item.status}`} data-testid="upload-item">
                <div className="media-queue-line">
                  <span className="media-queue-name" title={item.name}>
                    {item.name}
                  </span>
                  <span className="muted media-queue-size">{formatBytes(item.size)}</span>
                  <span className="media-queue-state">
                    {item.status === 'queued'
                      ? 'Waiting'
                      : item.status === 'uploading'
                        ? `${percentOf(item)} %`
                        : item.status === 'done'
                          ? 'Uploaded'
                          : item.status === 'duplicate'
                            ? 'Already in the library'
                            : 'Failed'}
                  </span>
                  {item.status === 'failed' || item.status === 'done' || item.status === 'duplicate' ? (
                    <button
                      type="button"
                      className="media-queue-dismiss"
                      aria-label={`Dismiss ${item.name}`}
                      onClick={() => dispatch({ type: 'dismiss', id: item.id })}
                    >
                      ×
                    </button>
                  ) : null}
                </div>
                <progress className="media-progress" max={100} value={percentOf(item)} aria-label={`${item.name} upload progress`} />
                {item.error ? (
                  <p className="media-queue-error" role="alert">
                    {item.error}
                  </p>
                ) : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

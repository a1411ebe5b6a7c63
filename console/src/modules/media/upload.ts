import { assetOf, type MediaAsset, mediaBase } from './media-api';

export interface UploadResult {
  asset: MediaAsset;
  /** The same bytes were already in the library: the server answered with that asset instead of a new one. */
  duplicate: boolean;
}

export interface UploadFailure {
  status: number;
  code?: string;
  detail?: string;
}

/**
 * One file to POST /media as multipart, through XMLHttpRequest because fetch reports no upload progress.
 * Same origin with the session cookie (withCredentials); the browser adds the page's Origin to the POST, which
 * the server requires of cookie-authenticated changes. Resolves with the asset, rejects with an UploadFailure
 * (status 0 when the connection failed or the upload was cancelled).
 */
export function uploadFile(siteId: string, file: File, onProgress: (loaded: number, total: number) => void, signal?: AbortSignal): Promise<UploadResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', mediaBase(siteId));
    xhr.withCredentials = true;
    xhr.responseType = 'json';
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded, event.total);
    };
    xhr.onload = () => {
      const body: unknown = xhr.response;
      if (xhr.status >= 200 && xhr.status < 300 && typeof body === 'object' && body !== null) {
        const raw = body as Record<string, unknown>;
        resolve({ asset: assetOf(raw), duplicate: raw.deduplicated === true });
        return;
      }
      const problem = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
      reject({
        status: xhr.status,
        code: typeof problem.code === 'string' ? problem.code : undefined,
        detail: typeof problem.detail === 'string' ? problem.detail : undefined,
      } satisfies UploadFailure);
    };
    xhr.onerror = () => reject({ status: 0 } satisfies UploadFailure);
    xhr.onabort = () => reject({ status: 0, detail: 'cancelled' } satisfies UploadFailure);
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}

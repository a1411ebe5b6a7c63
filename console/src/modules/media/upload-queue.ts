/**
 * The upload queue of the media library, as pure state: files wait, upload (with progress), and end as
 * uploaded, already in the library (same bytes: the server answers with the existing asset), or failed
 * with a sentence saying why. At most `MAX_PARALLEL` upload at once.
 */

export const MAX_PARALLEL = 2;

export type UploadStatus = 'queued' | 'uploading' | 'done' | 'duplicate' | 'failed';

export interface UploadItem {
  id: string;
  name: string;
  size: number;
  status: UploadStatus;
  loaded: number;
  /** Set once done (or a duplicate): the asset the file is now. */
  assetId?: string;
  error?: string;
}

export type UploadEvent =
  | { type: 'add'; items: Array<{ id: string; name: string; size: number }> }
  | { type: 'start'; id: string }
  | { type: 'progress'; id: string; loaded: number; total?: number }
  | { type: 'done'; id: string; assetId: string; duplicate: boolean }
  | { type: 'failed'; id: string; error: string }
  | { type: 'dismiss'; id: string }
  | { type: 'clear-finished' };

const patch = (items: UploadItem[], id: string, change: Partial<UploadItem>): UploadItem[] =>
  items.map((item) => (item.id === id ? { ...item, ...change } : item));

export function uploadReducer(items: UploadItem[], event: UploadEvent): UploadItem[] {
  switch (event.type) {
    case 'add':
      return [...items, ...event.items.map((f) => ({ ...f, status: 'queued' as const, loaded: 0 }))];
    case 'start':
      return patch(items, event.id, { status: 'uploading', loaded: 0 });
    case 'progress': {
      const item = items.find((i) => i.id === event.id);
      if (item?.status !== 'uploading') return items;
      // The multipart body is a little larger than the file: progress is measured against what is sent.
      const total = event.total && event.total > 0 ? event.total : item.size;
      return patch(items, event.id, { loaded: Math.min(item.size, Math.round((event.loaded / total) * item.size)) });
    }
    case 'done':
      return patch(items, event.id, {
        status: event.duplicate ? 'duplicate' : 'done',
        loaded: items.find((i) => i.id === event.id)?.size ?? 0,
        assetId: event.assetId,
      });
    case 'failed':
      return patch(items, event.id, { status: 'failed', error: event.error });
    case 'dismiss':
      return items.filter((item) => item.id !== event.id);
    case 'clear-finished':
      return items.filter((item) => item.status === 'queued' || item.status === 'uploading');
  }
}

/** The queued items to start now, oldest first, so that no more than `max` upload at once. */
export function nextToStart(items: UploadItem[], max = MAX_PARALLEL): UploadItem[] {
  const running = items.filter((i) => i.status === 'uploading').length;
  return items.filter((i) => i.status === 'queued').slice(0, Math.max(0, max - running));
}

/** Percent of one item, 0–100 (an empty file is done when it is done). */
export function percentOf(item: UploadItem): number {
  if (item.status === 'done' || item.status === 'duplicate') return 100;
  if (item.size === 0) return 0;
  return Math.floor((item.loaded / item.size) * 100);
}

export function summaryOf(items: UploadItem[]): string {
  const count = (status: UploadStatus) => items.filter((i) => i.status === status).length;
  const parts = [
    count('uploading') + count('queued') > 0 ? `${count('uploading') + count('queued')} uploading` : null,
    count('done') > 0 ? `${count('done')} uploaded` : null,
    count('duplicate') > 0 ? `${count('duplicate')} already in the library` : null,
    count('failed') > 0 ? `${count('failed')} failed` : null,
  ].filter(Boolean);
  return parts.join(', ');
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 10 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

interface ProblemLike {
  status: number;
  code?: string;
  detail?: string;
}

/** Why an upload failed, in words, from the problem the server answered with (or none: the network). */
export function uploadErrorText(problem: ProblemLike | null, file: { name: string; size: number }): string {
  if (!problem || problem.status === 0) return 'The upload was interrupted: the server could not be reached. Try again.';
  const detail = problem.detail ? ` ${problem.detail.trim().replace(/([^.!?])$/, '$1.')}` : '';
  switch (problem.status) {
    case 413:
      return `Too large: ${formatBytes(file.size)} is more than this site accepts for one file.${detail}`;
    case 415:
      return `This kind of file is not accepted.${detail}`;
    case 422:
      return `The file could not be read as what it claims to be, or is damaged.${detail}`;
    case 403:
      return 'You may not upload media on this site.';
    case 401:
      return 'Your session ended: sign in again, then upload it again.';
    default:
      return problem.detail || `The server refused the upload (${problem.status}${problem.code ? ` ${problem.code}` : ''}).`;
  }
}

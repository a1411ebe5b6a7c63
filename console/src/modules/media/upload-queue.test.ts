import { describe, expect, it } from 'vitest';
import { formatBytes, nextToStart, percentOf, summaryOf, type UploadItem, uploadErrorText, uploadReducer } from './upload-queue';

const add = (names: string[]) => uploadReducer([], { type: 'add', items: names.map((name, i) => ({ id: `u${i}`, name, size: 1000 })) });

describe('the media upload queue', () => {
  it('starts at most two uploads at once, oldest first, and the next when one ends', () => {
    let items = add(['a.png', 'b.png', 'c.png']);
    expect(nextToStart(items).map((i) => i.id)).toEqual(['u0', 'u1']);
    items = uploadReducer(items, { type: 'start', id: 'u0' });
    items = uploadReducer(items, { type: 'start', id: 'u1' });
    expect(nextToStart(items)).toEqual([]);
    items = uploadReducer(items, { type: 'done', id: 'u0', assetId: 'm1', duplicate: false });
    expect(nextToStart(items).map((i) => i.id)).toEqual(['u2']);
  });

  it('scales progress of the multipart body to the file, and ignores progress of an item not uploading', () => {
    let items = uploadReducer(add(['a.png']), { type: 'start', id: 'u0' });
    items = uploadReducer(items, { type: 'progress', id: 'u0', loaded: 600, total: 1200 });
    expect(items[0]?.loaded).toBe(500);
    expect(percentOf(items[0] as UploadItem)).toBe(50);
    items = uploadReducer(items, { type: 'failed', id: 'u0', error: 'nope' });
    expect(uploadReducer(items, { type: 'progress', id: 'u0', loaded: 1200, total: 1200 })).toBe(items);
  });

  it('tells uploaded files from ones already in the library and failed ones, and clears the finished', () => {
    let items = add(['a.png', 'b.png', 'c.png', 'd.png']);
    items = uploadReducer(items, { type: 'done', id: 'u0', assetId: 'm1', duplicate: false });
    items = uploadReducer(items, { type: 'done', id: 'u1', assetId: 'm0', duplicate: true });
    items = uploadReducer(items, { type: 'failed', id: 'u2', error: 'Too large' });
    expect(items.map((i) => i.status)).toEqual(['done', 'duplicate', 'failed', 'queued']);
    expect(percentOf(items[1] as UploadItem)).toBe(100);
    expect(summaryOf(items)).toBe('1 uploading, 1 uploaded, 1 already in the library, 1 failed');
    expect(uploadReducer(items, { type: 'clear-finished' }).map((i) => i.id)).toEqual(['u3']);
  });

  it('explains 413, 415 and 422 and a lost connection in words', () => {
    const file = { name: 'big.mov', size: 60 * 1024 * 1024 };
    expect(uploadErrorText({ status: 413, code: 'payload_too_large' }, file)).toBe('Too large: 60 MB is more than this site accepts for one file.');
    expect(uploadErrorText({ status: 415, detail: 'application/x-msdownload is not allowed' }, file)).toBe(
      'This kind of file is not accepted. application/x-msdownload is not allowed.',
    );
    expect(uploadErrorText({ status: 413, detail: 'The file is larger than the 50 MiB this server accepts.' }, file)).toBe(
      'Too large: 60 MB is more than this site accepts for one file. The file is larger than the 50 MiB this server accepts.',
    );
    expect(uploadErrorText({ status: 422 }, file)).toMatch(/could not be read/);
    expect(uploadErrorText(null, file)).toMatch(/could not be reached/);
  });

  it('formats sizes', () => {
    expect([formatBytes(512), formatBytes(1536), formatBytes(20 * 1024 * 1024)]).toEqual(['512 B', '1.5 KB', '20 MB']);
  });
});

import type { MEDIA_TYPES } from './schema.js';

export type MediaType = (typeof MEDIA_TYPES)[number];

/** File name extensions each type may carry (the first is the one stored when the content has no signature). */
const EXTENSIONS: Record<string, readonly string[]> = {
  'image/jpeg': ['jpg', 'jpeg', 'jpe', 'jfif'],
  'image/png': ['png'],
  'image/gif': ['gif'],
  'image/webp': ['webp'],
  'image/avif': ['avif'],
  'image/tiff': ['tif', 'tiff'],
  'image/bmp': ['bmp'],
  'image/heic': ['heic'],
  'image/x-icon': ['ico'],
  'image/svg+xml': ['svg'],
  'application/pdf': ['pdf'],
  'application/zip': ['zip'],
  'video/mp4': ['mp4', 'm4v'],
  'video/webm': ['webm'],
  'video/quicktime': ['mov', 'qt'],
  'video/ogg': ['ogv', 'ogg'],
  'audio/mpeg': ['mp3', 'mpga'],
  'audio/ogg': ['ogg', 'oga'],
  'audio/opus': ['opus', 'ogg'],
  'audio/wav': ['wav'],
  'audio/mp4': ['m4a', 'mp4'],
  'audio/webm': ['weba', 'webm'],
  'audio/flac': ['flac'],
  'text/plain': ['txt', 'text', 'log'],
  'text/csv': ['csv'],
  'text/markdown': ['md', 'markdown'],
  'application/json': ['json'],
  'application/xml': ['xml'],
};

/** Other names clients send for the same type. */
const ALIASES: Record<string, string> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/x-png': 'image/png',
  'image/x-ms-bmp': 'image/bmp',
  'image/vnd.microsoft.icon': 'image/x-icon',
  'application/x-pdf': 'application/pdf',
  'application/x-zip-compressed': 'application/zip',
  'audio/mp3': 'audio/mpeg',
  'audio/x-wav': 'audio/wav',
  'audio/wave': 'audio/wav',
  'audio/vnd.wave': 'audio/wav',
  'audio/x-m4a': 'audio/mp4',
  'video/x-m4v': 'video/mp4',
  'audio/x-flac': 'audio/flac',
  'text/x-markdown': 'text/markdown',
  'text/xml': 'application/xml',
};

/** Containers whose signature does not say which of these it holds (an Ogg or MP4 file may be sound or video). */
const FAMILIES: readonly (readonly string[])[] = [
  ['audio/ogg', 'audio/opus', 'video/ogg', 'application/ogg'],
  ['video/mp4', 'audio/mp4'],
  ['video/webm', 'audio/webm'],
];

/** Types without a binary signature: recognised as text (valid UTF-8, no NUL) that the client named. */
export const TEXT_TYPES: ReadonlySet<string> = new Set(['text/plain', 'text/csv', 'text/markdown', 'application/json', 'application/xml', 'image/svg+xml']);

/** `Image/JPG; charset=x` → `image/jpeg`. */
export function canonicalMime(raw: string): string {
  const bare = raw.split(';')[0]?.trim().toLowerCase() ?? '';
  return ALIASES[bare] ?? bare;
}

export function sameType(a: string, b: string): boolean {
  const x = canonicalMime(a);
  const y = canonicalMime(b);
  return x === y || FAMILIES.some((family) => family.includes(x) && family.includes(y));
}

export function extensionsOf(mime: string): readonly string[] {
  return EXTENSIONS[canonicalMime(mime)] ?? [];
}

/** The type a file name's extension stands for (the first match), or undefined. */
export function mimeOfExtension(extension: string): string | undefined {
  return Object.entries(EXTENSIONS).find(([, extensions]) => extensions.includes(extension))?.[0];
}

/** The lower-case extension of a file name ('' when it has none). */
export function extensionOf(filename: string): string {
  const match = /\.([A-Za-z0-9]{1,10})$/.exec(filename);
  return match?.[1]?.toLowerCase() ?? '';
}

const DOCUMENT_TYPES = /^(?:application\/(?:pdf|json|xml|rtf|msword|vnd\.ms-|vnd\.openxmlformats-officedocument\.|vnd\.oasis\.opendocument\.)|text\/)/;

export function mediaTypeOf(mime: string): MediaType {
  if (mime.startsWith('image/')) return 'image';
  if (mime.startsWith('video/')) return 'video';
  if (mime.startsWith('audio/')) return 'audio';
  return DOCUMENT_TYPES.test(mime) ? 'document' : 'other';
}

/** Images whose pixels Admiral reads (dimensions at upload, derivatives afterwards). Others are kept as they are. */
export const PROCESSABLE_IMAGES: ReadonlySet<string> = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/avif', 'image/tiff']);

/** Whether `mime` matches one of the configured patterns (`image/png`, `image/*`, `*\/*`). */
export function isAllowed(mime: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => {
    if (pattern === '*/*') return true;
    if (pattern.endsWith('/*')) return mime.startsWith(pattern.slice(0, -1));
    return pattern === mime;
  });
}

import { fileTypeFromBuffer } from 'file-type';
import { ProblemError } from '../../kernel/http/problem.js';
import { canonicalMime, extensionOf, extensionsOf, isAllowed, type MediaType, mediaTypeOf, mimeOfExtension, sameType, TEXT_TYPES } from './mime-types.js';

/** How many leading bytes of an upload are kept to recognise its type (signatures sit in the first few KiB). */
export const SNIFF_BYTES = 64 * 1024;

/** What the client said the file is: the part's Content-Type and its file name. */
export interface ClaimedType {
  mimeType: string;
  filename: string;
}

/** What the file is, as stored. */
export interface DetectedType {
  mimeType: string;
  extension: string;
  mediaType: MediaType;
}

const UNSPECIFIED = new Set(['', 'application/octet-stream', 'binary/octet-stream']);

const mismatch = (detail: string) => new ProblemError(415, 'content_type_mismatch', detail);

/**
 * Recognises the file from its first bytes and checks that against the claim. A file with a binary signature
 * is what the signature says, and the claimed type and extension must agree with it (a PNG sent as
 * photo.jpg is refused). A file without one is accepted only as a text type the client named, and only if
 * it reads as text.
 */
export async function detectType(head: Buffer, claim: ClaimedType): Promise<DetectedType> {
  const claimedMime = UNSPECIFIED.has(canonicalMime(claim.mimeType)) ? undefined : canonicalMime(claim.mimeType);
  const claimedExtension = extensionOf(claim.filename);
  const sniffed = await signatureOf(head);
  if (sniffed) {
    const mime = canonicalMime(sniffed.mime);
    if (claimedMime && !sameType(claimedMime, mime)) {
      throw mismatch(`The file was sent as ${claimedMime}, but its content is ${mime}.`);
    }
    if (claimedExtension && claimedExtension !== sniffed.ext && !extensionsOf(mime).includes(claimedExtension)) {
      throw mismatch(`The file is named .${claimedExtension}, but its content is ${mime} (.${sniffed.ext}).`);
    }
    return { mimeType: mime, extension: sniffed.ext, mediaType: mediaTypeOf(mime) };
  }
  // Some clients label text by the program that opens it (a .csv as application/vnd.ms-excel): the extension then names it.
  const mime = claimedMime && TEXT_TYPES.has(claimedMime) ? claimedMime : ((claimedExtension ? mimeOfExtension(claimedExtension) : undefined) ?? claimedMime);
  if (!mime || !TEXT_TYPES.has(mime)) {
    throw mismatch(
      mime
        ? `The file was sent as ${mime}, but its content does not look like one (no ${mime} signature).`
        : 'The type of the file could not be recognised from its content; send it with its type and extension.',
    );
  }
  if (claimedExtension && !extensionsOf(mime).includes(claimedExtension)) {
    throw mismatch(`The file is named .${claimedExtension}, which is not an extension of ${mime}.`);
  }
  if (!readsAsText(head, mime)) throw mismatch(`The file was sent as ${mime}, but its content is not text.`);
  return { mimeType: mime, extension: claimedExtension || (extensionsOf(mime)[0] ?? 'txt'), mediaType: mediaTypeOf(mime) };
}

/** The binary signature's type, if any. XML is text (an SVG may open with `<?xml`): it is judged as text. */
async function signatureOf(head: Buffer): Promise<{ ext: string; mime: string } | undefined> {
  if (head.length === 0) return undefined;
  try {
    const found = await fileTypeFromBuffer(head);
    return found && found.mime !== 'application/xml' ? found : undefined;
  } catch {
    // A parser tripping over a damaged file: there is no usable signature.
    return undefined;
  }
}

export function assertAllowedType(mime: string, allowed: readonly string[]): void {
  if (!isAllowed(mime, allowed)) {
    throw new ProblemError(415, 'type_not_allowed', `Files of type ${mime} are not accepted here; accepted: ${allowed.join(', ')}.`);
  }
}

/** UTF-8 without NUL bytes (a multi-byte character cut at the end of the sample is not held against it). */
function readsAsText(head: Buffer, mime: string): boolean {
  if (head.includes(0)) return false;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let text: string;
  try {
    text = head.length < SNIFF_BYTES ? decoder.decode(head) : decoder.decode(head.subarray(0, lastCompleteCharacter(head)));
  } catch {
    return false;
  }
  return mime !== 'image/svg+xml' || /<svg[\s>]/i.test(text);
}

/** The end of the last complete UTF-8 sequence in `bytes`. */
function lastCompleteCharacter(bytes: Buffer): number {
  for (let back = 1; back <= 4 && back <= bytes.length; back++) {
    const byte = bytes[bytes.length - back] as number;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: keep looking for the lead
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}

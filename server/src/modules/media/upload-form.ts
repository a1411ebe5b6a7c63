import { rm } from 'node:fs/promises';
import type { Multipart } from '@fastify/multipart';
import { badRequest, ProblemError } from '../../kernel/http/problem.js';
import type { MEDIA_VISIBILITIES } from './schema.js';
import type { ClaimedType } from './sniff.js';
import type { StorageDriver } from './storage/index.js';
import { fileTooLarge, type StagedFile, stageFile } from './upload.js';

export interface UploadFields {
  title?: string;
  altText?: string;
  visibility?: (typeof MEDIA_VISIBILITIES)[number];
}

/** A multipart upload read off the wire: the staged file, what the client claimed it is, and the text fields. */
export interface UploadForm {
  staged: StagedFile;
  claim: ClaimedType;
  fields: UploadFields;
}

/** The multipart parser's limits: one file, a few short fields. */
export const uploadLimits = (maxBytes: number) => ({ fileSize: maxBytes, files: 1, fields: 8, fieldSize: 2048, parts: 10, headerPairs: 32 });

const FIELD_LIMITS: Record<keyof UploadFields, number> = { title: 500, altText: 1000, visibility: 10 };

/**
 * Reads the parts in order: text fields (before or after the file) and exactly one file part named `file`,
 * streamed to the staging area as it arrives. Any refusal removes what was staged.
 */
export async function readUploadForm(parts: AsyncIterable<Multipart>, storage: StorageDriver, maxBytes: number): Promise<UploadForm> {
  let staged: StagedFile | undefined;
  let claim: ClaimedType | undefined;
  const fields: UploadFields = {};
  try {
    for await (const part of parts) {
      if (part.type === 'field') {
        readField(fields, part.fieldname, part.value, part.valueTruncated);
        continue;
      }
      if (part.fieldname !== 'file') {
        part.file.resume();
        throw badRequest('unknown_field', `The form has a file named "${part.fieldname}"; send the file as "file".`);
      }
      staged = await stageFile(part.file, await storage.stagingPath(), maxBytes);
      claim = { mimeType: part.mimetype ?? '', filename: cleanFilename(part.filename ?? '') };
    }
  } catch (error) {
    if (staged) await rm(staged.path, { force: true });
    throw multipartProblem(error, maxBytes);
  }
  if (!staged || !claim) throw badRequest('file_required', 'The form has no file; send it as the multipart field "file".');
  return { staged, claim, fields };
}

function readField(fields: UploadFields, name: string, value: unknown, truncated: boolean): void {
  if (!(name in FIELD_LIMITS)) {
    throw badRequest('unknown_field', `The form field "${name}" is not known; expected file, title, altText or visibility.`, [
      { in: 'body', pointer: `/${name}`, detail: 'is not a known field' },
    ]);
  }
  const key = name as keyof UploadFields;
  const text = typeof value === 'string' ? value : '';
  if (truncated || text.length > FIELD_LIMITS[key]) {
    throw badRequest('validation_failed', `The form field "${name}" is longer than ${FIELD_LIMITS[key]} characters.`, [
      { in: 'body', pointer: `/${name}`, detail: `must be at most ${FIELD_LIMITS[key]} characters` },
    ]);
  }
  if (key === 'visibility') {
    if (text !== 'public' && text !== 'private') {
      throw badRequest('validation_failed', 'The form field "visibility" must be public or private.', [
        { in: 'body', pointer: '/visibility', detail: 'must be one of "public", "private"' },
      ]);
    }
    fields.visibility = text;
  } else if (text.trim() !== '') {
    fields[key] = text.trim();
  }
}

/** The parser's own errors, as the problems the API documents. */
function multipartProblem(error: unknown, maxBytes: number): unknown {
  if (error instanceof ProblemError) return error;
  const code = (error as { code?: unknown }).code;
  switch (code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return fileTooLarge(maxBytes);
    case 'FST_FILES_LIMIT':
      return badRequest('too_many_files', 'Send one file per upload.');
    case 'FST_FIELDS_LIMIT':
    case 'FST_PARTS_LIMIT':
      return badRequest('too_many_fields', 'The form has more fields than an upload takes (file, title, altText, visibility).');
    case 'FST_MP_PREMATURE_CLOSE':
      return badRequest('upload_interrupted', 'The upload ended before the whole form arrived.');
    case 'FST_PROTO_VIOLATION':
    case 'FST_INVALID_JSON_FIELD_ERROR':
      return badRequest('malformed_multipart', 'A form field is not acceptable.');
  }
  const message = error instanceof Error ? error.message : '';
  // busboy's refusals of a broken body ("Unexpected end of form", "Malformed part header", …).
  if (typeof code !== 'string' && /multipart|form|part|boundary|header/i.test(message)) {
    return badRequest('malformed_multipart', `The multipart body is malformed (${message}).`);
  }
  return error;
}

/** The name as the client gave it, without any directory, control characters or excess length. */
export function cleanFilename(raw: string): string {
  // Browsers write `"`, CR and LF in a multipart file name as %22, %0D, %0A (HTML's form encoding).
  const unescaped = raw.replace(/%22/g, '"').replace(/%0[ad]/gi, ' ');
  const base = unescaped.split(/[\\/]/).pop() ?? '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  const cleaned = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return cleaned.slice(-255);
}

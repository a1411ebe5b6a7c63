import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { type Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ProblemError } from '../../kernel/http/problem.js';
import { SNIFF_BYTES } from './sniff.js';

/** An upload written to the staging area: nothing about it is trusted yet. */
export interface StagedFile {
  path: string;
  bytes: number;
  /** SHA-256 of the content, lower-case hex. */
  checksum: string;
  /** The first bytes (up to SNIFF_BYTES), to recognise the type. */
  head: Buffer;
}

export const fileTooLarge = (maxBytes: number) =>
  new ProblemError(413, 'file_too_large', `The file is larger than the ${formatBytes(maxBytes)} this server accepts.`);

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 2 && bytes % 1024 ** 2 === 0) return `${bytes / 1024 ** 2} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/** Passes bytes through while hashing, counting and keeping the first few KiB; fails past the size limit. */
class Inspector extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;
  private readonly headChunks: Buffer[] = [];
  private headBytes = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      done(fileTooLarge(this.maxBytes));
      return;
    }
    this.hash.update(chunk);
    if (this.headBytes < SNIFF_BYTES) {
      // A copy: the parser may reuse the chunk's memory.
      const part = Buffer.from(chunk.subarray(0, SNIFF_BYTES - this.headBytes));
      this.headChunks.push(part);
      this.headBytes += part.length;
    }
    done(null, chunk);
  }

  head(): Buffer {
    return Buffer.concat(this.headChunks, this.headBytes);
  }
}

/**
 * Streams an upload to a staging file: only a chunk at a time is in memory, whatever the file's size. The
 * multipart parser stops a file at its size limit (`limit` event, `truncated`); that, or more bytes than
 * `maxBytes` arriving another way, is a 413 and leaves no file behind.
 */
export async function stageFile(source: Readable, stagingPath: string, maxBytes: number): Promise<StagedFile> {
  const inspector = new Inspector(maxBytes);
  const onLimit = () => inspector.destroy(fileTooLarge(maxBytes));
  source.once('limit', onLimit);
  try {
    await pipeline(source, inspector, createWriteStream(stagingPath, { flags: 'wx' }));
    if ((source as Readable & { truncated?: boolean }).truncated) throw fileTooLarge(maxBytes);
  } catch (error) {
    await rm(stagingPath, { force: true });
    throw error;
  } finally {
    source.off('limit', onLimit);
  }
  return { path: stagingPath, bytes: inspector.bytes, checksum: inspector.hash.digest('hex'), head: inspector.head() };
}

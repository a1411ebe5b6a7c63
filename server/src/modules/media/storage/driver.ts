import type { Readable } from 'node:stream';
import type { STORAGE_PROVIDERS } from '../schema.js';

export type StorageProvider = (typeof STORAGE_PROVIDERS)[number];

/** Bytes `start` to `end`, both included. */
export interface ByteRange {
  start: number;
  end: number;
}

/** An object's bytes as a stream, and how many there are. */
export interface ObjectBody {
  body: Readable;
  bytes: number;
}

/** A local file holding an object's bytes (for tools that read paths); `release` removes it when it is a copy. */
export interface LocalCopy {
  path: string;
  release(): Promise<void>;
}

/**
 * Where media bytes live. Uploads are first written to a staging file on local disk (whatever the driver),
 * checked there, and only then promoted to their key; nothing reaches storage before it passed every check.
 */
export interface StorageDriver {
  readonly provider: StorageProvider;
  /** The bucket (object storage) or null (local disk), as recorded beside each key. */
  readonly bucket: string | null;
  /** A new, unused path in the staging area for an upload in progress. */
  stagingPath(): Promise<string>;
  /** Moves a staged file to `key` (the staged file is gone afterwards, whether or not this succeeds). */
  promote(stagedPath: string, key: string, contentType: string): Promise<void>;
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** The object's bytes (or the inclusive byte range); throws ObjectMissingError when there is none. */
  read(key: string, range?: ByteRange): Promise<ObjectBody>;
  localCopy(key: string): Promise<LocalCopy>;
  /** Removes the object; no error when it is already gone. */
  remove(key: string): Promise<void>;
}

export class ObjectMissingError extends Error {
  constructor(readonly key: string) {
    super(`no stored object ${key}`);
    this.name = 'ObjectMissingError';
  }
}

/** Keys are made by the module (`<site>/<yyyy>/<mm>/<asset>.<ext>`); anything else is refused before it reaches a path. */
const KEY = /^[0-9a-f-]{36}\/\d{4}\/\d{2}\/[0-9a-f-]{36}(?:\/[a-z0-9][a-z0-9_-]{0,39})?\.[a-z0-9]{1,10}$/;

export function assertStorageKey(key: string): void {
  if (!KEY.test(key)) throw new Error(`not a media storage key: ${JSON.stringify(key)}`);
}

import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { assertStorageKey, type ByteRange, type LocalCopy, type ObjectBody, ObjectMissingError, type StorageDriver } from './driver.js';

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

/** Local disk (the default): objects under `<MEDIA_DIR>/objects/<key>`, uploads in progress under `<MEDIA_DIR>/staging`. */
export class LocalStorage implements StorageDriver {
  readonly provider = 'local' as const;
  readonly bucket = null;
  private readonly objects: string;
  private readonly staging: string;

  constructor(root: string) {
    this.objects = path.join(root, 'objects');
    this.staging = path.join(root, 'staging');
  }

  async stagingPath(): Promise<string> {
    await mkdir(this.staging, { recursive: true });
    return path.join(this.staging, `${randomUUID()}.part`);
  }

  async promote(stagedPath: string, key: string): Promise<void> {
    try {
      const target = this.pathOf(key);
      await mkdir(path.dirname(target), { recursive: true });
      // Staging and objects share MEDIA_DIR, so this is one atomic rename on one file system.
      await rename(stagedPath, target);
    } catch (error) {
      await rm(stagedPath, { force: true });
      throw error;
    }
  }

  async put(key: string, body: Buffer): Promise<void> {
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    const temporary = `${target}.${randomUUID()}.part`;
    await writeFile(temporary, body);
    await rename(temporary, target);
  }

  async read(key: string, range?: ByteRange): Promise<ObjectBody> {
    const file = this.pathOf(key);
    try {
      const { size } = await stat(file);
      return range ? { body: createReadStream(file, range), bytes: range.end - range.start + 1 } : { body: createReadStream(file), bytes: size };
    } catch (error) {
      if (isMissing(error)) throw new ObjectMissingError(key);
      throw error;
    }
  }

  async localCopy(key: string): Promise<LocalCopy> {
    const file = this.pathOf(key);
    try {
      await stat(file);
    } catch (error) {
      if (isMissing(error)) throw new ObjectMissingError(key);
      throw error;
    }
    return { path: file, release: async () => {} };
  }

  async remove(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  /** The file of a key (exposed for tests that look at the disk). */
  pathOf(key: string): string {
    assertStorageKey(key);
    return path.join(this.objects, ...key.split('/'));
  }
}

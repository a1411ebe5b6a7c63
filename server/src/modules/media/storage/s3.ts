import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { MediaS3Config } from '../../../config.js';
import { assertStorageKey, type ByteRange, type LocalCopy, type ObjectBody, ObjectMissingError, type StorageDriver } from './driver.js';

function isMissing(error: unknown): boolean {
  return error instanceof NoSuchKey || (error instanceof S3ServiceException && (error.name === 'NotFound' || error.$metadata.httpStatusCode === 404));
}

/** S3-compatible object storage: one bucket, keys as the module makes them; uploads are staged on local disk first. */
export class S3Storage implements StorageDriver {
  readonly provider = 's3' as const;
  readonly bucket: string;
  private readonly client: S3Client;
  private readonly staging: string;

  constructor(settings: MediaS3Config, root: string) {
    this.bucket = settings.bucket;
    this.staging = path.join(root, 'staging');
    this.client = new S3Client({
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: settings.forcePathStyle,
      credentials:
        settings.accessKeyId && settings.secretAccessKey ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } : undefined,
      // Plain signed PUTs with a known length: many S3-compatible servers do not speak the SDK's newer
      // streaming-checksum encoding (aws-chunked trailers), and the SHA-256 of every upload is ours already.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async stagingPath(): Promise<string> {
    await mkdir(this.staging, { recursive: true });
    return path.join(this.staging, `${randomUUID()}.part`);
  }

  async promote(stagedPath: string, key: string, contentType: string): Promise<void> {
    assertStorageKey(key);
    try {
      const { size } = await stat(stagedPath);
      await this.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: createReadStream(stagedPath), ContentLength: size, ContentType: contentType }),
      );
    } finally {
      await rm(stagedPath, { force: true });
    }
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    assertStorageKey(key);
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentLength: body.length, ContentType: contentType }));
  }

  async read(key: string, range?: ByteRange): Promise<ObjectBody> {
    assertStorageKey(key);
    try {
      const object = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }),
      );
      if (!(object.Body instanceof Readable)) throw new Error(`object ${key} came without a readable body`);
      return { body: object.Body, bytes: object.ContentLength ?? 0 };
    } catch (error) {
      if (isMissing(error)) throw new ObjectMissingError(key);
      throw error;
    }
  }

  async localCopy(key: string): Promise<LocalCopy> {
    const { body } = await this.read(key);
    const file = await this.stagingPath();
    try {
      await pipeline(body, createWriteStream(file, { flags: 'wx' }));
    } catch (error) {
      await rm(file, { force: true });
      throw error;
    }
    return { path: file, release: () => rm(file, { force: true }) };
  }

  async remove(key: string): Promise<void> {
    assertStorageKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }

  /** Closes the SDK's connections (tests; a server keeps one client for its life). */
  destroy(): void {
    this.client.destroy();
  }
}

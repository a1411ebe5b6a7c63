import type { MediaConfig } from '../../../config.js';
import type { StorageDriver } from './driver.js';
import { LocalStorage } from './local.js';
import { S3Storage } from './s3.js';

export type { ByteRange, LocalCopy, ObjectBody, StorageDriver, StorageProvider } from './driver.js';
export { ObjectMissingError } from './driver.js';
export { LocalStorage } from './local.js';
export { S3Storage } from './s3.js';

/** The driver the configuration names. Building one touches neither the disk nor the network. */
export function createStorage(settings: MediaConfig): StorageDriver {
  if (settings.storage === 's3') {
    if (!settings.s3) throw new Error('MEDIA_STORAGE=s3 without S3 settings');
    return new S3Storage(settings.s3, settings.dir);
  }
  return new LocalStorage(settings.dir);
}

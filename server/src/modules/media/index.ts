import { defineModule } from '../../kernel/module.js';
import { mediaAssets, mediaDerivatives, mediaStorage } from './schema.js';

export { mediaAssets, mediaDerivatives, mediaStorage } from './schema.js';

/** Media library: uploads, storage drivers, derivatives. */
export function mediaModule() {
  return defineModule({ name: 'media', tables: { mediaAssets, mediaStorage, mediaDerivatives } });
}

import type { Config } from '../../config.js';
import { defineModule } from '../../kernel/module.js';
import { mediaAssets, mediaDerivatives, mediaStorage } from './schema.js';

export { mediaAssets, mediaDerivatives, mediaStorage } from './schema.js';

/** Media library: uploads, storage drivers, derivatives. */
export function mediaModule(_dependencies: { config?: Config }) {
  return defineModule({ name: 'media', tables: { mediaAssets, mediaStorage, mediaDerivatives } });
}

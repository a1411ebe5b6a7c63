import { type Config, loadConfig, type MediaConfig } from '../../config.js';

export type { MediaConfig } from '../../config.js';

/**
 * The media settings the module runs with. Without a configuration (the OpenAPI build, the permission
 * catalog) the defaults apply, read from an empty environment so they are the documented ones.
 */
export function mediaSettings(config: Config | undefined): MediaConfig {
  return config?.media ?? loadConfig({}).media;
}

/** The retention period as a PostgreSQL interval literal (the purge function's argument). */
export const retentionInterval = (settings: MediaConfig): string => `${settings.retentionDays} days`;

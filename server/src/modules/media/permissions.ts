import type { PermissionDefinition } from '../../kernel/module.js';

export const MEDIA_PERMISSIONS = {
  read: 'media.read',
  upload: 'media.upload',
  update: 'media.update',
  delete: 'media.delete',
  purge: 'media.purge',
} as const;

export const mediaPermissions: PermissionDefinition[] = [
  { key: MEDIA_PERMISSIONS.read, description: 'See the media library, fetch public files and make signed links to any file' },
  { key: MEDIA_PERMISSIONS.upload, description: 'Upload files (own: a re-upload of a deleted file brings back only their own)', ownable: true },
  { key: MEDIA_PERMISSIONS.update, description: "Edit a file's title, alt text, visibility and tags", ownable: true },
  { key: MEDIA_PERMISSIONS.delete, description: 'Delete files (kept for the retention period) and restore them', ownable: true },
  { key: MEDIA_PERMISSIONS.purge, description: 'Remove files for good at once, skipping the retention period' },
];

import type { PermissionDefinition } from '../../kernel/module.js';

function contentPermissions(plural: 'articles' | 'pages', noun: string): PermissionDefinition[] {
  return [
    { key: `${plural}.read`, description: `See ${noun}s, their versions and reviews` },
    { key: `${plural}.create`, description: `Create ${noun}s (own: they are the caller's)`, ownable: true },
    { key: `${plural}.update`, description: `Edit, submit for review, restore and archive ${noun}s`, ownable: true },
    { key: `${plural}.delete`, description: `Delete ${noun}s with their history`, ownable: true },
    { key: `${plural}.review`, description: `Approve, reject or request changes on ${noun}s in review` },
    { key: `${plural}.publish`, description: `Publish, schedule and unpublish ${noun}s` },
  ];
}

export const CMS_PERMISSIONS = {
  articles: {
    read: 'articles.read',
    create: 'articles.create',
    update: 'articles.update',
    delete: 'articles.delete',
    review: 'articles.review',
    publish: 'articles.publish',
  },
  pages: {
    read: 'pages.read',
    create: 'pages.create',
    update: 'pages.update',
    delete: 'pages.delete',
    review: 'pages.review',
    publish: 'pages.publish',
  },
} as const;

export const cmsPermissions: PermissionDefinition[] = [...contentPermissions('articles', 'article'), ...contentPermissions('pages', 'page')];

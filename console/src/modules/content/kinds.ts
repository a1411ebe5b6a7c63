/** Articles and pages share one editor and one list; what differs between them is said here. */
export type ContentKind = 'article' | 'page';

export interface KindInfo {
  kind: ContentKind;
  plural: 'articles' | 'pages';
  label: string;
  pluralLabel: string;
  /** The Markdown field's name in the API. */
  bodyField: 'body' | 'contentBody';
  bodyLabel: string;
  /** Articles have a summary, categories, tags and a featured image; pages do not. */
  rich: boolean;
}

export const KINDS: Record<ContentKind, KindInfo> = {
  article: { kind: 'article', plural: 'articles', label: 'Article', pluralLabel: 'Articles', bodyField: 'body', bodyLabel: 'Body', rich: true },
  page: { kind: 'page', plural: 'pages', label: 'Page', pluralLabel: 'Pages', bodyField: 'contentBody', bodyLabel: 'Content', rich: false },
};

export const permissionOf = (info: KindInfo, action: 'read' | 'create' | 'update' | 'delete' | 'review' | 'publish') => `${info.plural}.${action}`;

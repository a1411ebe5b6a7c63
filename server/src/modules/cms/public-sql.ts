/**
 * The public read queries: one statement per request, prepared once per connection (named), joining the
 * live row to its published version only. Nothing here reads a working copy's content: an article's text
 * comes from the `article_versions` row numbered `published_version_no` (null once unpublished or archived),
 * a page's from its `page_versions` row marked `is_published`.
 *
 * What is not versioned comes from the live rows: the address (`slug`), the author, the SEO metadata, and the
 * names of the categories and tags the published version lists.
 */

/** The author's public name: display name, else name, else first and last name; never the email, nor a deleted account's. */
const AUTHOR_NAME = `coalesce(nullif(btrim(u.display_name), ''), nullif(btrim(u.name), ''), nullif(btrim(concat_ws(' ', u.first_name, u.last_name)), '')) AS author_name`;

const terms = (table: 'categories' | 'tags', ids: string) =>
  `(SELECT coalesce(json_agg(json_build_object('name', t.name, 'slug', t.slug) ORDER BY t.name, t.slug), '[]'::json) ` +
  `FROM ${table} t WHERE t.site_id = $1 AND t.id = ANY(${ids}))`;

const SEO = 's.meta_title, s.meta_description, s.canonical_url, s.structured_data, s.id AS seo_id';

/** Live, with a published version: `published_version_no` is set only while the article is published. */
const PUBLISHED_ARTICLE =
  'FROM articles a JOIN article_versions v ON v.article_id = a.id AND v.site_id = a.site_id AND v.version_no = a.published_version_no ' +
  "LEFT JOIN users u ON u.id = a.author_id AND u.status <> 'deleted' WHERE a.site_id = $1 AND a.published_version_no IS NOT NULL AND a.status <> 'archived'";

const ARTICLE_SUMMARY_COLUMNS =
  'a.id, a.slug, v.title, v.summary, v.featured_media_id, v.version_no, a.published_at, v.created_at AS version_at, ' +
  `${AUTHOR_NAME}, ${terms('categories', 'v.category_ids')} AS categories, ${terms('tags', 'v.tag_ids')} AS tags`;

/** $1 site, $2 slug. */
export const PUBLIC_ARTICLE = {
  name: 'cms_public_article',
  text: `SELECT ${ARTICLE_SUMMARY_COLUMNS}, v.body, ${SEO} ${PUBLISHED_ARTICLE.replace(
    'WHERE',
    'LEFT JOIN seo_metadata s ON s.article_id = a.id AND s.site_id = a.site_id WHERE',
  )} AND a.slug = $2`,
};

/**
 * Newest first by first publication, then id. $1 site, $2 limit + 1; then, per shape, the category slug,
 * the tag slug, and the cursor's (published_at, id). A slug no category or tag has matches nothing.
 * The page's ids are chosen first (joining versions only to filter by their terms), then only those rows
 * are joined to their versions, authors and terms.
 */
export function publicArticleList(filters: { category: boolean; tag: boolean; cursor: boolean }): { name: string; text: string } {
  let next = 3;
  const where: string[] = [];
  // A scalar sub-select (run once): an unknown slug gives ARRAY[NULL], which no array contains.
  if (filters.category) where.push(`fv.category_ids @> ARRAY[(SELECT c.id FROM categories c WHERE c.site_id = $1 AND c.slug = $${next++})]`);
  if (filters.tag) where.push(`fv.tag_ids @> ARRAY[(SELECT g.id FROM tags g WHERE g.site_id = $1 AND g.slug = $${next++})]`);
  if (filters.cursor) where.push(`(l.published_at, l.id) < ($${next++}::timestamptz, $${next++}::uuid)`);
  const byTerms = filters.category || filters.tag;
  const page =
    `SELECT l.id FROM articles l ${byTerms ? 'JOIN article_versions fv ON fv.article_id = l.id AND fv.site_id = l.site_id AND fv.version_no = l.published_version_no ' : ''}` +
    `WHERE l.site_id = $1 AND l.published_version_no IS NOT NULL AND l.status <> 'archived'${where.map((w) => ` AND ${w}`).join('')} ` +
    'ORDER BY l.published_at DESC, l.id DESC LIMIT $2';
  const shape = `${filters.category ? 'c' : ''}${filters.tag ? 't' : ''}${filters.cursor ? 'k' : ''}`;
  return {
    name: `cms_public_articles_${shape || 'all'}`,
    text: `SELECT ${ARTICLE_SUMMARY_COLUMNS} ${PUBLISHED_ARTICLE} AND a.id IN (${page}) ORDER BY a.published_at DESC, a.id DESC`,
  };
}

/** $1 site, $2 slug. */
export const PUBLIC_PAGE = {
  name: 'cms_public_page',
  text:
    'SELECT p.id, p.slug, v.title, v.content_body, v.version_number, coalesce(p.published_at, v.created_at) AS published_at, v.created_at AS version_at, ' +
    `${AUTHOR_NAME}, ${SEO} FROM pages p ` +
    'JOIN page_versions v ON v.page_id = p.id AND v.site_id = p.site_id AND v.is_published ' +
    "LEFT JOIN users u ON u.id = p.author_id AND u.status <> 'deleted' LEFT JOIN seo_metadata s ON s.page_id = p.id AND s.site_id = p.site_id " +
    "WHERE p.site_id = $1 AND p.slug = $2 AND p.status <> 'archived'",
};

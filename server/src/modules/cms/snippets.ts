/**
 * Safe highlighted snippets. PostgreSQL's ts_headline copies the source text as it is (tags included) and
 * wraps matches in whatever markers it is given, so its output is not HTML-safe. The queries therefore run
 * it with two private-use characters as markers (after removing those characters from the source), and
 * this module escapes everything and only then turns the markers into <mark> tags: the only markup in a
 * snippet is the <mark>…</mark> Admiral added.
 */

/** Unicode private-use code points: never meaningful in content, and stripped from it before highlighting. */
export const MATCH_START = '\uE000';
export const MATCH_STOP = '\uE001';

/** ts_headline options (SQL literal text) for a body excerpt: up to two fragments around the matches. */
export const FRAGMENT_OPTIONS = `StartSel=${MATCH_START}, StopSel=${MATCH_STOP}, MaxFragments=2, MaxWords=30, MinWords=12, FragmentDelimiter=" … "`;
/** ts_headline options for a title: the whole title, every match marked. */
export const WHOLE_TEXT_OPTIONS = `StartSel=${MATCH_START}, StopSel=${MATCH_STOP}, HighlightAll=true`;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const MARKERS = new RegExp(`[${MATCH_START}${MATCH_STOP}]`, 'g');

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

/** ts_headline output (with the private markers) → HTML whose only tags are balanced <mark> pairs. */
export function markedHtml(headline: string): string {
  let open = false;
  const html = escapeHtml(headline).replace(MARKERS, (marker) => {
    // A stray or repeated marker is dropped rather than trusted, so the result is always balanced.
    if (marker === MATCH_START && !open) {
      open = true;
      return '<mark>';
    }
    if (marker === MATCH_STOP && open) {
      open = false;
      return '</mark>';
    }
    return '';
  });
  return open ? `${html}</mark>` : html;
}

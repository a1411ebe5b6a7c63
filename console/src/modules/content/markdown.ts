import DOMPurify from 'dompurify';
import { marked } from 'marked';

/**
 * Markdown as the preview shows it: rendered by `marked` (GitHub-flavoured, line breaks kept) and then
 * sanitised by DOMPurify, so a `<script>` or an `onerror=` in someone's text never runs in the console.
 * Links open in a new tab without handing over the console's window.
 */
export function renderMarkdown(source: string): string {
  const html = marked(source, { async: false, gfm: true, breaks: false });
  const clean = DOMPurify.sanitize(html, { USE_PROFILES: { html: true } });
  const template = document.createElement('template');
  template.innerHTML = clean;
  for (const link of template.content.querySelectorAll('a[href]')) {
    link.setAttribute('target', '_blank');
    link.setAttribute('rel', 'noopener noreferrer');
  }
  return template.innerHTML;
}

import { TextAreaField, TextField } from '../../components/Form';
import type { FieldErrors } from '../../lib/field-errors';
import type { Draft } from './draft';

/** Search-engine fields: saved with the content (the whole SEO record is replaced on each save). */
export function SeoPanel({ draft, onChange, errors, disabled }: { draft: Draft; onChange: (draft: Draft) => void; errors: FieldErrors; disabled?: boolean }) {
  const title = draft.metaTitle || draft.title;
  const description = draft.metaDescription || draft.summary;
  return (
    <div className="cms-seo">
      <TextField
        label="Meta title"
        pointer="/seo/metaTitle"
        errors={errors}
        value={draft.metaTitle}
        onChange={(metaTitle) => onChange({ ...draft, metaTitle })}
        maxLength={300}
        disabled={disabled}
        hint={`${draft.metaTitle.length} characters; up to 70 show in full. Empty: the title.`}
      />
      <TextAreaField
        label="Meta description"
        pointer="/seo/metaDescription"
        errors={errors}
        value={draft.metaDescription}
        onChange={(metaDescription) => onChange({ ...draft, metaDescription })}
        rows={3}
        maxLength={500}
        disabled={disabled}
        hint={`${draft.metaDescription.length} characters; about 160 show in results.`}
      />
      <TextField
        label="Canonical URL"
        pointer="/seo/canonicalUrl"
        errors={errors}
        type="url"
        value={draft.canonicalUrl}
        onChange={(canonicalUrl) => onChange({ ...draft, canonicalUrl })}
        maxLength={2048}
        placeholder="https://…"
        disabled={disabled}
      />
      <TextAreaField
        label="Structured data (JSON-LD)"
        pointer="/seo/structuredData"
        errors={errors}
        value={draft.structuredData}
        onChange={(structuredData) => onChange({ ...draft, structuredData })}
        rows={5}
        disabled={disabled}
        className="input cms-code"
        placeholder={'{ "@type": "NewsArticle" }'}
      />
      <section className="cms-serp" aria-label="Search result preview">
        <span className="cms-serp-title">{title || 'Title'}</span>
        <span className="cms-serp-url">{draft.canonicalUrl || `…/${draft.slug}`}</span>
        <span className="cms-serp-text">{description ? description.slice(0, 160) : <span className="muted">No description.</span>}</span>
      </section>
    </div>
  );
}

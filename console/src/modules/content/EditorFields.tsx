import { TextAreaField, TextField } from '../../components/Form';
import type { FieldErrors } from '../../lib/field-errors';
import { FeaturedImage } from '../media/MediaPicker';
import { type Draft, withSlug, withTitle } from './draft';
import type { KindInfo } from './kinds';
import { MarkdownField } from './MarkdownField';
import { TermPicker } from './TermPicker';

/** The content fields of the editor: title, slug, summary, Markdown body, and for articles the taxonomy and featured image. */
export function EditorFields({
  info,
  siteId,
  draft,
  onChange,
  errors,
  disabled,
}: {
  info: KindInfo;
  siteId: string;
  draft: Draft;
  onChange: (draft: Draft) => void;
  errors: FieldErrors;
  disabled?: boolean;
}) {
  return (
    <div className="cms-fields">
      <TextField
        label="Title"
        pointer="/title"
        errors={errors}
        value={draft.title}
        onChange={(title) => onChange(withTitle(draft, title))}
        maxLength={300}
        required
        disabled={disabled}
        className="input cms-title-input"
      />
      <TextField
        label="Slug"
        pointer="/slug"
        errors={errors}
        value={draft.slug}
        onChange={(slug) => onChange(withSlug(draft, slug))}
        maxLength={200}
        disabled={disabled}
        hint={
          draft.slugEdited
            ? `The address of this ${info.label.toLowerCase()}. Clear it to make one from the title again.`
            : 'Made from the title until you edit it.'
        }
      />
      {info.rich ? (
        <TextAreaField
          label="Summary"
          pointer="/summary"
          errors={errors}
          value={draft.summary}
          onChange={(summary) => onChange({ ...draft, summary })}
          rows={2}
          maxLength={2000}
          disabled={disabled}
        />
      ) : null}
      <MarkdownField
        label={info.bodyLabel}
        pointer={`/${info.bodyField}`}
        errors={errors}
        value={draft.body}
        onChange={(body) => onChange({ ...draft, body })}
        disabled={disabled}
      />
      {info.rich ? (
        <div className="cms-fields-row">
          <TermPicker
            siteId={siteId}
            kind="categories"
            label="Categories"
            value={draft.categoryIds}
            onChange={(categoryIds) => onChange({ ...draft, categoryIds })}
            disabled={disabled}
          />
          <TermPicker siteId={siteId} kind="tags" label="Tags" value={draft.tagIds} onChange={(tagIds) => onChange({ ...draft, tagIds })} disabled={disabled} />
          <FeaturedImage
            siteId={siteId}
            value={draft.featuredMediaId}
            onChange={(featuredMediaId) => onChange({ ...draft, featuredMediaId })}
            disabled={disabled}
          />
        </div>
      ) : null}
    </div>
  );
}

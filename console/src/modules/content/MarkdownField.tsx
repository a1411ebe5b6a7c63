import { useDeferredValue, useId, useMemo, useState } from 'react';
import { errorFor, type FieldErrors } from '../../lib/field-errors';
import { renderMarkdown } from './markdown';

type Mode = 'split' | 'write' | 'preview';

/** A Markdown text area with a live preview beside it (or instead of it), rendered and sanitised in the browser. */
export function MarkdownField({
  label,
  pointer,
  errors = {},
  value,
  onChange,
  disabled,
}: {
  label: string;
  pointer: string;
  errors?: FieldErrors;
  value: string;
  onChange: (value: string) => void;
  disabled?: boolean;
}) {
  const id = useId();
  const [mode, setMode] = useState<Mode>('split');
  // Rendering waits for typing to pause a frame: a long document stays responsive.
  const deferred = useDeferredValue(value);
  const html = useMemo(() => renderMarkdown(deferred), [deferred]);
  const error = errorFor(errors, pointer);
  const words = value.trim() ? value.trim().split(/\s+/).length : 0;
  return (
    <div className={`field cms-markdown${error ? ' field-invalid' : ''}`} data-pointer={pointer}>
      <div className="cms-markdown-bar">
        <label htmlFor={id}>{label}</label>
        <span className="muted cms-markdown-count">
          {words} word{words === 1 ? '' : 's'} · Markdown
        </span>
        <fieldset className="cms-segmented" aria-label={`${label} view`}>
          {(['write', 'split', 'preview'] as const).map((m) => (
            <button key={m} type="button" className={mode === m ? 'cms-segment-on' : undefined} aria-pressed={mode === m} onClick={() => setMode(m)}>
              {m === 'write' ? 'Write' : m === 'split' ? 'Split' : 'Preview'}
            </button>
          ))}
        </fieldset>
      </div>
      <div className={`cms-markdown-panes cms-markdown-${mode}`}>
        <textarea
          id={id}
          className="input cms-markdown-input"
          name={pointer}
          value={value}
          disabled={disabled}
          spellCheck
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          hidden={mode === 'preview'}
          onChange={(e) => onChange(e.target.value)}
        />
        {mode !== 'write' ? (
          <section className="cms-preview markdown-body" aria-label={`${label} preview`} data-testid="markdown-preview">
            {value.trim() ? (
              // biome-ignore lint/security/noDangerouslySetInnerHtml: sanitised by DOMPurify in renderMarkdown
              <div dangerouslySetInnerHTML={{ __html: html }} />
            ) : (
              <p className="muted">The preview appears here as you write.</p>
            )}
          </section>
        ) : null}
      </div>
      {error ? (
        <div className="field-error" id={`${id}-error`}>
          {error}
        </div>
      ) : null}
    </div>
  );
}

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { Dialog } from '../../components/Dialog';
import { Form, FormActions, SubmitButton, TextField, useFieldErrors } from '../../components/Form';
import { EmptyState, ErrorState, Loading } from '../../components/States';
import { toast } from '../../components/Toasts';
import { idempotencyKey } from '../../lib/api';
import { contentKey, fromTemplate, listTemplates } from './content-api';
import type { KindInfo } from './kinds';

/** "New from template": pick one of the site's content templates, name the new piece, and open it in the editor. */
export function TemplateDialog({ info, siteId, onClose }: { info: KindInfo; siteId: string; onClose: () => void }) {
  const client = useQueryClient();
  const navigate = useNavigate();
  const templates = useQuery({ queryKey: ['content-templates', siteId, info.kind], queryFn: () => listTemplates(siteId, info) });
  const [chosen, setChosen] = useState<string | null>(null);
  const [title, setTitle] = useState('');
  // One key per distinct choice: a retry is replayed, another template or title is a new create.
  const [key, setKey] = useState(idempotencyKey);
  const choose = (id: string) => {
    setChosen(id);
    setKey(idempotencyKey());
  };
  const rename = (next: string) => {
    setTitle(next);
    setKey(idempotencyKey());
  };
  const create = useMutation({
    mutationFn: (templateId: string) => fromTemplate(siteId, info, templateId, title.trim() ? { title: title.trim() } : {}, key),
    onSuccess: async (created) => {
      await client.invalidateQueries({ queryKey: contentKey(siteId, info) });
      toast({ title: `${info.label} created from the template`, variant: 'success' });
      onClose();
      await navigate({ to: `/sites/${siteId}/${info.plural}/${created.data.id}` });
    },
  });
  const errors = useFieldErrors(create.error);
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()} title={`New ${info.label.toLowerCase()} from a template`} wide>
      {templates.isLoading ? <Loading /> : null}
      {templates.error ? <ErrorState error={templates.error} onRetry={() => void templates.refetch()} /> : null}
      {templates.data && templates.data.length === 0 ? (
        <EmptyState title={`No ${info.label.toLowerCase()} templates yet`}>
          Templates are kept under <Link to={`/sites/${siteId}/r/content-templates`}>Content templates</Link>.
        </EmptyState>
      ) : null}
      {templates.data && templates.data.length > 0 ? (
        <Form onSubmit={() => chosen && create.mutate(chosen)} error={create.error} pointers={['/title', '/slug']} aria-label="New from template">
          <fieldset className="cms-template-grid" aria-label="Templates">
            {templates.data.map((template) => (
              <label key={template.id} className={`cms-template${chosen === template.id ? ' cms-template-on' : ''}`}>
                <input type="radio" name="template" value={template.id} checked={chosen === template.id} onChange={() => choose(template.id)} />
                <span className="cms-template-name">{template.name}</span>
                <span className="muted cms-template-meta">
                  used {template.usageCount} time{template.usageCount === 1 ? '' : 's'}
                </span>
              </label>
            ))}
          </fieldset>
          <TextField
            label="Title"
            pointer="/title"
            errors={errors}
            value={title}
            onChange={rename}
            maxLength={300}
            hint="Leave empty to keep the template’s."
          />
          <FormActions>
            <button type="button" className="button" onClick={onClose}>
              Cancel
            </button>
            <SubmitButton pending={create.isPending} disabled={!chosen}>
              Create and edit
            </SubmitButton>
          </FormActions>
        </Form>
      ) : null}
    </Dialog>
  );
}

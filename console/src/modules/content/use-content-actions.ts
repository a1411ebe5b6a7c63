import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useConfirm } from '../../components/ConfirmDialog';
import { toast } from '../../components/Toasts';
import { describeError, isProblem } from '../../lib/api';
import { type Content, deleteContent, schedule, transition, unschedule, type Versioned } from './content-api';
import type { KindInfo } from './kinds';
import type { LifecycleAction } from './lifecycle';

const DONE: Record<LifecycleAction, string> = {
  submit: 'Submitted for review',
  publish: 'Published',
  schedule: 'Scheduled',
  unschedule: 'Unscheduled',
  unpublish: 'Unpublished',
  archive: 'Archived',
  delete: 'Deleted',
};

/** Why a lifecycle action was refused, in words. */
export function refusalText(error: unknown, info: KindInfo): string {
  if (isProblem(error, 409, 'approval_required'))
    return `A workflow applies to this ${info.label.toLowerCase()}: it has to be submitted and approved before it can be published.`;
  if (isProblem(error, 412)) return 'Someone else changed it meanwhile; it was reloaded. Look again and retry.';
  if (isProblem(error, 403))
    return `You may not do that to this ${info.label.toLowerCase()}${isProblem(error, 403, 'not_owner') ? ' (it is someone else’s)' : ''}.`;
  return describeError(error);
}

/**
 * The lifecycle actions of the editor's status bar: each confirmed when it takes something away, sent with
 * the ETag of the copy on screen, and followed by a reload of the content, its versions and lists.
 */
export function useContentActions(info: KindInfo, siteId: string, content: Content, etag: string | null, onChanged: (next?: Versioned<Content>) => void) {
  const client = useQueryClient();
  const confirm = useConfirm();
  const navigate = useNavigate();
  const name = content.title || `this ${info.label.toLowerCase()}`;

  const mutation = useMutation({
    mutationFn: async ({ action, at }: { action: LifecycleAction; at?: string }): Promise<Versioned<Content> | undefined> => {
      switch (action) {
        case 'schedule':
          return schedule(siteId, info, content.id, at ?? '', etag);
        case 'unschedule':
          return unschedule(siteId, info, content.id, etag);
        case 'delete':
          await deleteContent(siteId, info, content.id, etag);
          return undefined;
        default:
          return transition(siteId, info, content.id, action, etag);
      }
    },
    onSuccess: async (next, { action }) => {
      toast({ title: DONE[action], description: action === 'delete' ? `${name} and its history are gone.` : undefined, variant: 'success' });
      if (action === 'delete') {
        client.removeQueries({ queryKey: [info.plural, siteId, content.id] });
        await client.invalidateQueries({ queryKey: [info.plural, siteId, 'list'] });
        await navigate({ to: `/sites/${siteId}/${info.plural}` });
        return;
      }
      onChanged(next);
      await client.invalidateQueries({ queryKey: ['approval-requests', siteId] });
    },
    onError: (error, { action }) => {
      toast({ title: `Not ${DONE[action].toLowerCase()}`, description: refusalText(error, info), variant: 'error' });
      if (isProblem(error, 412)) onChanged();
    },
  });

  const QUESTIONS: Partial<Record<LifecycleAction, { title: string; description: string; confirmLabel: string; destructive: boolean }>> = {
    unpublish: {
      title: `Unpublish ${name}?`,
      description: 'Readers no longer get any version of it. It becomes a draft; its history stays.',
      confirmLabel: 'Unpublish',
      destructive: true,
    },
    archive: {
      title: `Archive ${name}?`,
      description: 'Nothing of it stays live. You can publish it again later.',
      confirmLabel: 'Archive',
      destructive: true,
    },
    delete: {
      title: `Delete ${name}?`,
      description: 'It goes with every version and review. This cannot be undone.',
      confirmLabel: 'Delete for good',
      destructive: true,
    },
    publish: {
      title: `Publish ${name}?`,
      description: `Version ${content.version} becomes what readers get${content.publishedVersion ? `, replacing version ${content.publishedVersion}` : ''}.`,
      confirmLabel: 'Publish',
      destructive: false,
    },
  };

  const run = async (action: LifecycleAction, at?: string) => {
    const question = QUESTIONS[action];
    if (question && !(await confirm(question))) return;
    mutation.mutate({ action, at });
  };

  return { run, busy: mutation.isPending ? (mutation.variables?.action ?? null) : null };
}

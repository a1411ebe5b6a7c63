import * as RadixDialog from '@radix-ui/react-dialog';
import type { ReactNode } from 'react';
import './Drawer.css';

/**
 * A panel sliding in from the right, over the list it belongs to: the details of one row (an audit entry, a
 * mail). Modal (focus trapped, Escape closes, focus returns to the row). Controlled: `open` / `onOpenChange`.
 */
export function Drawer({
  open,
  onOpenChange,
  title,
  description,
  children,
  actions,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: ReactNode;
  description?: ReactNode;
  children: ReactNode;
  /** Buttons in the header, beside the close button. */
  actions?: ReactNode;
}) {
  return (
    <RadixDialog.Root open={open} onOpenChange={onOpenChange}>
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="drawer-overlay" />
        <RadixDialog.Content className="drawer" {...(description ? {} : { 'aria-describedby': undefined })}>
          <div className="drawer-header">
            <div className="drawer-heading">
              <RadixDialog.Title className="drawer-title">{title}</RadixDialog.Title>
              {description ? <RadixDialog.Description className="drawer-description">{description}</RadixDialog.Description> : null}
            </div>
            {actions ? <div className="drawer-actions">{actions}</div> : null}
            <RadixDialog.Close className="button button-ghost drawer-close" aria-label="Close">
              ×
            </RadixDialog.Close>
          </div>
          <div className="drawer-body">{children}</div>
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}

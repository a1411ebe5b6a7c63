import * as Toast from '@radix-ui/react-toast';
import { useSyncExternalStore } from 'react';

export interface ToastMessage {
  id: number;
  title: string;
  description?: string;
  variant?: 'success' | 'error' | 'info';
}

let next = 1;
let messages: ToastMessage[] = [];
const listeners = new Set<() => void>();
const emit = () => {
  for (const listener of listeners) listener();
};

/** Shows a toast: `toast({ title: 'Role saved', variant: 'success' })`. */
export function toast(message: Omit<ToastMessage, 'id'>): void {
  messages = [...messages, { id: next++, ...message }];
  emit();
}

const dismiss = (id: number) => {
  messages = messages.filter((m) => m.id !== id);
  emit();
};

export function Toaster() {
  const current = useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => messages,
  );
  return (
    <Toast.Provider swipeDirection="right" duration={5000}>
      {current.map((m) => (
        <Toast.Root
          key={m.id}
          className={`toast toast-${m.variant ?? 'info'}`}
          type={m.variant === 'error' ? 'foreground' : 'background'}
          duration={m.variant === 'error' ? 10000 : 5000}
          onOpenChange={(open) => {
            if (!open) dismiss(m.id);
          }}
        >
          <Toast.Title className="toast-title">{m.title}</Toast.Title>
          {m.description ? <Toast.Description className="toast-description">{m.description}</Toast.Description> : null}
          <Toast.Close className="toast-close" aria-label="Dismiss">
            ×
          </Toast.Close>
        </Toast.Root>
      ))}
      <Toast.Viewport className="toast-viewport" />
    </Toast.Provider>
  );
}

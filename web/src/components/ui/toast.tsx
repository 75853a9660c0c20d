import * as ToastPrimitive from '@radix-ui/react-toast';
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { cn } from '../../lib/cn.ts';
import { AlertIcon, CheckCircleIcon, CloseIcon, InfoIcon } from '../icons.tsx';

export type ToastVariant = 'default' | 'success' | 'error';
export type ToastInput = { title: string; description?: string; variant?: ToastVariant; duration?: number };
type ToastItem = ToastInput & { id: number; open: boolean };

type ToastContextValue = { toast: (input: ToastInput) => void };

const ToastContext = createContext<ToastContextValue | null>(null);
let nextId = 1;

const icons = { default: InfoIcon, success: CheckCircleIcon, error: AlertIcon };
const iconColors = { default: 'text-stone-500', success: 'text-emerald-600', error: 'text-red-600' };

export function Toaster({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<ToastItem[]>([]);

  const toast = useCallback((input: ToastInput) => {
    const id = nextId++;
    setToasts((current) => [...current.slice(-3), { ...input, id, open: true }]);
  }, []);

  const setOpen = (id: number, open: boolean) => {
    setToasts((current) => current.map((t) => (t.id === id ? { ...t, open } : t)));
    // Remove after the close animation so the list does not grow forever.
    if (!open) setTimeout(() => setToasts((current) => current.filter((t) => t.id !== id)), 300);
  };

  const value = useMemo(() => ({ toast }), [toast]);

  return (
    <ToastContext.Provider value={value}>
      <ToastPrimitive.Provider swipeDirection="right" duration={5000}>
        {children}
        {toasts.map((t) => {
          const variant = t.variant ?? 'default';
          const Icon = icons[variant];
          return (
            <ToastPrimitive.Root
              key={t.id}
              open={t.open}
              onOpenChange={(open) => setOpen(t.id, open)}
              duration={t.duration}
              type={variant === 'error' ? 'foreground' : 'background'}
              className={cn(
                'pointer-events-auto flex w-full items-start gap-3 rounded-card border border-border bg-surface p-4 shadow-lg',
                'data-[state=open]:animate-toast-in data-[state=closed]:opacity-0 data-[swipe=move]:translate-x-[var(--radix-toast-swipe-move-x)] data-[swipe=end]:translate-x-full transition-opacity',
              )}
            >
              <Icon size={18} className={cn('mt-0.5 shrink-0', iconColors[variant])} />
              <div className="grid min-w-0 flex-1 gap-0.5">
                <ToastPrimitive.Title className="text-sm font-semibold text-foreground">{t.title}</ToastPrimitive.Title>
                {t.description ? (
                  <ToastPrimitive.Description className="text-sm text-muted">
                    {t.description}
                  </ToastPrimitive.Description>
                ) : null}
              </div>
              <ToastPrimitive.Close
                className="focus-ring -m-1 rounded-md p-1 text-stone-400 hover:text-stone-900"
                aria-label="Dismiss notification"
              >
                <CloseIcon size={16} />
              </ToastPrimitive.Close>
            </ToastPrimitive.Root>
          );
        })}
        <ToastPrimitive.Viewport className="fixed right-0 bottom-0 z-[100] m-0 flex w-full max-w-sm list-none flex-col gap-2 p-4 outline-none" />
      </ToastPrimitive.Provider>
    </ToastContext.Provider>
  );
}

export function useToast(): ToastContextValue {
  const value = useContext(ToastContext);
  if (!value) throw new Error('useToast must be used inside <Toaster>');
  return value;
}

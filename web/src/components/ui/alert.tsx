import type { ReactNode } from 'react';
import { errorMessage } from '../../lib/api.ts';
import { cn } from '../../lib/cn.ts';
import { AlertIcon, CheckCircleIcon, InfoIcon } from '../icons.tsx';
import { Button } from './button.tsx';

export type AlertVariant = 'info' | 'success' | 'warning' | 'error';

const styles: Record<AlertVariant, string> = {
  info: 'border-sky-200 bg-sky-50 text-sky-900',
  success: 'border-emerald-200 bg-emerald-50 text-emerald-900',
  warning: 'border-amber-200 bg-amber-50 text-amber-900',
  error: 'border-red-200 bg-red-50 text-red-900',
};

const icons = { info: InfoIcon, success: CheckCircleIcon, warning: AlertIcon, error: AlertIcon };

type AlertProps = {
  variant?: AlertVariant;
  title?: ReactNode;
  children?: ReactNode;
  action?: ReactNode;
  className?: string;
};

export function Alert({ variant = 'info', title, children, action, className }: AlertProps) {
  const Icon = icons[variant];
  return (
    // Errors interrupt (role=alert); other variants are polite status messages.
    <div
      role={variant === 'error' ? 'alert' : 'status'}
      className={cn('flex gap-3 rounded-control border p-3.5 text-sm', styles[variant], className)}
    >
      <Icon size={18} className="mt-px shrink-0" />
      <div className="grid min-w-0 flex-1 gap-1">
        {title ? <p className="font-semibold">{title}</p> : null}
        {children ? <div className="leading-relaxed">{children}</div> : null}
        {action ? <div className="mt-1.5">{action}</div> : null}
      </div>
    </div>
  );
}

/** Standard failed-to-load state for queries. */
export function ErrorAlert({
  error,
  onRetry,
  title = 'Could not load this data',
  className,
}: {
  error: unknown;
  onRetry?: () => void;
  title?: string;
  className?: string;
}) {
  return (
    <Alert
      variant="error"
      title={title}
      className={className}
      action={
        onRetry ? (
          <Button size="sm" variant="secondary" onClick={onRetry}>
            Try again
          </Button>
        ) : null
      }
    >
      {errorMessage(error)}
    </Alert>
  );
}

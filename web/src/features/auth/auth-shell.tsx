import { type InputHTMLAttributes, type ReactNode, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Card, CardContent, Input } from '../../components/ui/index.ts';
import { cn } from '../../lib/cn.ts';
import { safeNext } from '../../lib/validation.ts';

/** Centered card used by every auth page, so they share spacing and heading structure. */
export function AuthShell({
  title,
  description,
  children,
  footer,
}: {
  title: string;
  description?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
}) {
  return (
    <div className="mx-auto w-full max-w-md px-4 py-10 sm:py-16">
      <div className="mb-6 text-center">
        <h1 className="font-display text-3xl font-semibold tracking-tight">{title}</h1>
        {description ? <p className="mt-2 text-sm text-muted">{description}</p> : null}
      </div>
      <Card>
        <CardContent className="sm:p-8">{children}</CardContent>
      </Card>
      {footer ? <div className="mt-6 text-center text-sm text-muted">{footer}</div> : null}
    </div>
  );
}

/** Password input with a show/hide toggle; extra props (id, aria-*) go to the input for <Field>. */
export function PasswordInput({ className, ...props }: InputHTMLAttributes<HTMLInputElement>) {
  const [visible, setVisible] = useState(false);
  return (
    <div className={cn('relative', className)}>
      <Input {...props} type={visible ? 'text' : 'password'} className="pr-16" />
      <button
        type="button"
        onClick={() => setVisible((v) => !v)}
        aria-pressed={visible}
        className="focus-ring absolute inset-y-1 right-1 rounded-md px-2.5 text-xs font-medium text-stone-600 hover:bg-stone-100 hover:text-foreground"
      >
        {visible ? 'Hide' : 'Show'}
        <span className="sr-only"> password</span>
      </button>
    </div>
  );
}

export const linkClasses = 'focus-ring rounded font-medium text-accent-700 underline-offset-4 hover:underline';

/** Where to go after signing in or up (`?next=`, same-site only), and a link builder that passes it along. */
export function useNextParam() {
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const withNext = (path: string) => (params.get('next') ? `${path}?next=${encodeURIComponent(next)}` : path);
  return { params, next, withNext };
}

/** The footer line that switches between signing in and signing up, keeping `?next=`. */
export function AuthSwitch({ prompt, to, children }: { prompt: string; to: string; children: ReactNode }) {
  const { withNext } = useNextParam();
  return (
    <>
      {prompt}{' '}
      <Link to={withNext(to)} className={linkClasses}>
        {children}
      </Link>
    </>
  );
}

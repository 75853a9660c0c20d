import { cn } from '../../lib/cn.ts';

type SpinnerProps = { size?: 'sm' | 'md' | 'lg'; className?: string; label?: string };

const sizes = { sm: 'size-4', md: 'size-5', lg: 'size-8' };

/** Indeterminate progress; announces `label` to screen readers unless it is decorative (label=""). */
export function Spinner({ size = 'md', className, label = 'Loading' }: SpinnerProps) {
  return (
    <span role={label ? 'status' : undefined} className={cn('inline-flex', className)}>
      <svg className={cn('animate-spin', sizes[size])} viewBox="0 0 24 24" fill="none" aria-hidden="true">
        <circle cx="12" cy="12" r="9.5" stroke="currentColor" strokeOpacity="0.2" strokeWidth="3" />
        <path d="M21.5 12A9.5 9.5 0 0012 2.5" stroke="currentColor" strokeWidth="3" strokeLinecap="round" />
      </svg>
      {label ? <span className="sr-only">{label}</span> : null}
    </span>
  );
}

export function PageSpinner({ label = 'Loading' }: { label?: string }) {
  return (
    <div className="flex min-h-[40vh] items-center justify-center text-muted">
      <Spinner size="lg" label={label} />
    </div>
  );
}

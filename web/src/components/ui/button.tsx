import { Slot } from '@radix-ui/react-slot';
import { type ButtonHTMLAttributes, forwardRef } from 'react';
import { cn } from '../../lib/cn.ts';
import { Spinner } from './spinner.tsx';

export type ButtonVariant = 'primary' | 'secondary' | 'ghost' | 'destructive' | 'destructive-ghost' | 'inverse';
export type ButtonSize = 'sm' | 'md' | 'lg' | 'icon';

export type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: ButtonVariant;
  size?: ButtonSize;
  loading?: boolean;
  /** Render the child element (e.g. a router Link) with button styling. */
  asChild?: boolean;
};

const variants: Record<ButtonVariant, string> = {
  primary: 'bg-stone-900 text-white shadow-sm hover:bg-stone-800 active:bg-stone-950',
  secondary: 'border border-border-strong bg-surface text-foreground shadow-sm hover:bg-stone-50 active:bg-stone-100',
  ghost: 'text-foreground hover:bg-stone-100 active:bg-stone-200',
  destructive: 'bg-red-700 text-white shadow-sm hover:bg-red-800 active:bg-red-900',
  // Low-emphasis destructive action, e.g. a "Remove" in every table row.
  'destructive-ghost': 'text-red-700 hover:bg-red-50 active:bg-red-100',
  // For dark surfaces (banners, footers).
  inverse: 'bg-white text-stone-900 shadow-sm hover:bg-stone-100 active:bg-stone-200',
};

const sizes: Record<ButtonSize, string> = {
  sm: 'h-8 gap-1.5 px-3 text-sm',
  md: 'h-10 gap-2 px-4 text-sm',
  lg: 'h-12 gap-2 px-6 text-base',
  icon: 'size-10',
};

export function buttonClasses({
  variant = 'primary',
  size = 'md',
  className,
}: {
  variant?: ButtonVariant;
  size?: ButtonSize;
  className?: string;
} = {}): string {
  return cn(
    'focus-ring inline-flex shrink-0 items-center justify-center whitespace-nowrap rounded-control font-medium transition-colors',
    'disabled:pointer-events-none disabled:opacity-55 aria-disabled:pointer-events-none aria-disabled:opacity-55',
    variants[variant],
    sizes[size],
    className,
  );
}

export const Button = forwardRef<HTMLButtonElement, ButtonProps>(function Button(
  { variant, size, loading = false, asChild = false, className, disabled, children, type, ...props },
  ref,
) {
  if (asChild) {
    return (
      <Slot ref={ref} className={buttonClasses({ variant, size, className })} {...props}>
        {children}
      </Slot>
    );
  }
  return (
    <button
      ref={ref}
      // Default to "button" so buttons inside forms never submit by accident.
      type={type ?? 'button'}
      className={buttonClasses({ variant, size, className })}
      disabled={disabled || loading}
      aria-busy={loading || undefined}
      {...props}
    >
      {loading ? <Spinner size="sm" label="" /> : null}
      {children}
    </button>
  );
});

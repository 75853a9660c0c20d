import { forwardRef, type InputHTMLAttributes, type TextareaHTMLAttributes } from 'react';
import { cn } from '../../lib/cn.ts';

export const controlClasses = cn(
  'block w-full rounded-control border border-border-strong bg-surface text-foreground shadow-xs transition-colors',
  'placeholder:text-stone-400 hover:border-stone-400',
  'focus-visible:border-accent-600 focus-visible:outline-2 focus-visible:outline-offset-0 focus-visible:outline-accent-600/30',
  'disabled:cursor-not-allowed disabled:bg-stone-100 disabled:text-stone-500',
  'aria-invalid:border-red-600 aria-invalid:focus-visible:outline-red-600/30',
);

export const Input = forwardRef<HTMLInputElement, InputHTMLAttributes<HTMLInputElement>>(function Input(
  { className, type = 'text', ...props },
  ref,
) {
  return (
    <input
      ref={ref}
      type={type}
      className={cn(controlClasses, 'h-10 px-3 text-base sm:text-sm', className)}
      {...props}
    />
  );
});

export const Textarea = forwardRef<HTMLTextAreaElement, TextareaHTMLAttributes<HTMLTextAreaElement>>(function Textarea(
  { className, rows = 4, ...props },
  ref,
) {
  return (
    <textarea
      ref={ref}
      rows={rows}
      className={cn(controlClasses, 'px-3 py-2 text-base sm:text-sm', className)}
      {...props}
    />
  );
});

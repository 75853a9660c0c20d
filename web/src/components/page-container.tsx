import type { ReactNode } from 'react';
import { cn } from '../lib/cn.ts';

/** Standard page width and padding; pages opt in so full-bleed pages (the landing page) can skip it. */
export function PageContainer({
  children,
  className,
  size = 'wide',
}: {
  children: ReactNode;
  className?: string;
  size?: 'wide' | 'narrow';
}) {
  return (
    <div
      className={cn(
        'mx-auto w-full px-4 py-8 sm:px-6 sm:py-10',
        size === 'wide' ? 'max-w-6xl' : 'max-w-2xl',
        className,
      )}
    >
      {children}
    </div>
  );
}

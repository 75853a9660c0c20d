import { type ClassValue, clsx } from 'clsx';
import { extendTailwindMerge } from 'tailwind-merge';

// Teach tailwind-merge the theme tokens from styles.css so `rounded-card` overrides `rounded-control`.
const twMerge = extendTailwindMerge({
  extend: { theme: { radius: ['control', 'card'], animate: ['toast-in', 'fade-in', 'pop-in'] } },
});

/** Joins class names; a later Tailwind class overrides a conflicting earlier one (`w-32` beats a default `w-full`). */
export function cn(...classes: ClassValue[]): string {
  return twMerge(clsx(classes));
}

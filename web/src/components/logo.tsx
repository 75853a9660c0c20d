import { Link } from 'react-router';
import { cn } from '../lib/cn.ts';

export function LogoMark({ className }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" className={cn('size-7', className)} aria-hidden="true">
      <rect width="32" height="32" rx="7" fill="#1c1917" />
      <rect x="7" y="7" width="18" height="18" rx="2" fill="none" stroke="#e8a27c" strokeWidth="2.5" />
      <path d="M7 21l6-6 5 5 3-3 4 4" fill="none" stroke="#fafaf9" strokeWidth="2" strokeLinejoin="round" />
    </svg>
  );
}

export function Logo({ to = '/' }: { to?: string }) {
  return (
    <Link to={to} className="focus-ring flex shrink-0 items-center gap-2 rounded-md" aria-label="Gallerist home">
      <LogoMark />
      <span className="font-display text-xl font-semibold tracking-tight text-foreground">Gallerist</span>
    </Link>
  );
}

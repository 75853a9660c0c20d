import { Link } from 'react-router';
import { cn } from '../../lib/cn.ts';

const links = [
  { key: 'review', to: '/admin/marketplace', label: 'Review' },
  { key: 'analytics', to: '/admin/marketplace/analytics', label: 'Analytics' },
  { key: 'transactions', to: '/admin/marketplace/transactions', label: 'Transactions' },
  { key: 'settings', to: '/admin/marketplace/settings', label: 'Fee settings' },
] as const;

/** Links between the marketplace admin pages; scrolls sideways on a phone. */
export function AdminNav({ current }: { current: (typeof links)[number]['key'] }) {
  return (
    <nav aria-label="Marketplace admin" className="mb-6 -mx-1 flex gap-1 overflow-x-auto border-b border-border pb-px">
      {links.map((l) => (
        <Link
          key={l.key}
          to={l.to}
          aria-current={l.key === current ? 'page' : undefined}
          className={cn(
            'whitespace-nowrap rounded-t-md px-3 py-2 text-sm font-medium',
            l.key === current ? 'border-b-2 border-stone-900 text-foreground' : 'text-muted hover:text-foreground',
          )}
        >
          {l.label}
        </Link>
      ))}
    </nav>
  );
}

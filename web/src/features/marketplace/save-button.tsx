import { Link, useLocation } from 'react-router';
import { HeartIcon } from '../../components/icons.tsx';
import { buttonClasses } from '../../components/ui/index.ts';
import { cn } from '../../lib/cn.ts';
import { useSession } from '../../lib/session.tsx';
import { useSavedIds, useToggleSave } from './api.ts';

/**
 * Saves (favourites) a work for a signed-in patron; a guest gets a link to sign in and come back. `compact` is the
 * icon-only version laid over a card's picture.
 */
export function SaveButton({ artworkId, title, compact }: { artworkId: string; title: string; compact?: boolean }) {
  const { user } = useSession();
  const here = useLocation();
  const saved = useSavedIds(Boolean(user));
  const toggle = useToggleSave();
  const isSaved = saved.data?.has(artworkId) ?? false;
  const label = isSaved ? `Saved: remove “${title}” from your saved works` : `Save “${title}”`;
  const classes = compact
    ? 'inline-flex size-9 items-center justify-center rounded-full bg-white/90 text-stone-900 shadow-sm hover:bg-white focus-visible:outline-2 focus-visible:outline-offset-2'
    : buttonClasses({ variant: 'secondary', size: 'md', className: 'w-fit' });

  if (!user) {
    if (compact) return null;
    const next = `${here.pathname}${here.search}`;
    return (
      <Link to={`/sign-in?next=${encodeURIComponent(next)}`} className={classes}>
        <HeartIcon size={16} /> Sign in to save
      </Link>
    );
  }
  return (
    <button
      type="button"
      className={cn(classes, isSaved && 'text-rose-700')}
      aria-pressed={isSaved}
      aria-label={compact ? label : undefined}
      title={compact ? label : undefined}
      disabled={saved.isPending || toggle.isPending}
      onClick={(e) => {
        // On a card the button sits over the link to the work: the click must not reach it.
        e.preventDefault();
        e.stopPropagation();
        toggle.mutate({ id: artworkId, save: !isSaved });
      }}
    >
      <HeartIcon size={16} filled={isSaved} />
      {compact ? null : isSaved ? 'Saved' : 'Save'}
    </button>
  );
}

import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { Artwork } from './api.ts';
import { formatMoney, formatSize, mediumLabel } from './format.ts';
import { SaveButton } from './save-button.tsx';

/**
 * One artwork in a grid: picture, title, artist, medium, size and price, a save button over the picture (a sibling
 * of the link, not inside it), and an optional line below, e.g. why it was recommended.
 */
export function ArtworkCard({ artwork: w, note }: { artwork: Artwork; note?: ReactNode }) {
  const img = w.images.find((i) => i.isPrimary) ?? w.images[0];
  return (
    <div className="relative">
      <Link to={`/art/${w.id}`} className="group grid gap-2">
        <div className="aspect-square overflow-hidden rounded-card bg-stone-100">
          {img ? (
            <img
              src={img.thumbUrl}
              alt={w.title}
              width={img.width}
              height={img.height}
              loading="lazy"
              className="size-full object-cover transition group-hover:scale-105"
            />
          ) : null}
        </div>
        <div>
          <div className="font-medium">{w.title}</div>
          <div className="text-sm text-muted">
            {w.artist.name} · {mediumLabel(w.medium)}
            {formatSize(w) ? ` · ${formatSize(w)}` : ''}
          </div>
          <div className="text-sm font-medium">
            {formatMoney(w.priceAmount, w.currency)}
            {w.status === 'sold' ? ' · Sold' : w.status === 'reserved' ? ' · Reserved' : ''}
          </div>
        </div>
      </Link>
      {note ? <p className="mt-1 text-sm text-muted">{note}</p> : null}
      <div className="absolute top-2 right-2">
        <SaveButton artworkId={w.id} title={w.title} compact />
      </div>
    </div>
  );
}

/** The grid the cards sit in: one column on a phone, up to three on a wide screen. */
export function ArtworkGrid({ children, label }: { children: ReactNode; label?: string }) {
  return (
    <ul className="grid gap-6 sm:grid-cols-2 lg:grid-cols-3" aria-label={label}>
      {children}
    </ul>
  );
}

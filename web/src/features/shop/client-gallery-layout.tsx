import { Outlet, ScrollRestoration, useParams } from 'react-router';
import { isApiError } from '../../lib/api.ts';
import { usePublicGallery } from './api.ts';
import { galleryStudio } from './branding.ts';

/** The frame of a client's private gallery: the studio's logo, name and accent, and none of the platform's nav. */
export function ClientGalleryLayout() {
  const { token = '' } = useParams();
  // Same query as the page, so this costs no extra request; before the PIN the refusal carries the studio.
  const gallery = usePublicGallery(token);
  const studio = galleryStudio(gallery.data?.pages[0]?.gallery, isApiError(gallery.error) ? gallery.error : null);
  return (
    <div className="flex min-h-dvh flex-col">
      <a
        href="#main"
        className="sr-only z-50 rounded-md bg-stone-900 px-3 py-2 text-sm text-white focus:not-sr-only focus:fixed focus:top-3 focus:left-3"
      >
        Skip to content
      </a>
      <header
        className="border-t-4 border-b border-b-border bg-surface"
        style={{ borderTopColor: studio?.accentColor ?? 'var(--color-stone-800)' }}
      >
        <div className="mx-auto flex min-h-16 max-w-6xl items-center gap-3 px-4 py-3 sm:px-6">
          {studio?.logoUrl ? (
            <img
              src={studio.logoUrl}
              alt={`${studio.studioName} logo`}
              className="h-10 w-auto max-w-[40vw] object-contain sm:h-12"
            />
          ) : null}
          {studio ? (
            <span className="font-display text-lg font-semibold tracking-tight" data-testid="studio-name">
              {studio.studioName}
            </span>
          ) : null}
        </div>
      </header>
      <main id="main" tabIndex={-1} className="flex-1 outline-none">
        <Outlet />
      </main>
      {studio ? (
        <footer className="mt-auto border-t border-border">
          <p className="mx-auto max-w-6xl px-4 py-6 text-sm text-muted sm:px-6">
            A private gallery from {studio.studioName}.
          </p>
        </footer>
      ) : null}
      <ScrollRestoration />
    </div>
  );
}

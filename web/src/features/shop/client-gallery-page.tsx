import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { PageContainer } from '../../components/page-container.tsx';
import {
  Button,
  Dialog,
  DialogContent,
  EmptyState,
  ErrorAlert,
  Field,
  Input,
  PageHeader,
  PageSpinner,
  Skeleton,
} from '../../components/ui/index.ts';
import { errorMessage, isApiError } from '../../lib/api.ts';
import { formatDate } from '../../lib/format.ts';
import { type GalleryPage, type Photo, usePublicGallery, useUnlock } from './api.ts';
import { accentStyle, type GalleryStudio, galleryStudio } from './branding.ts';
import { BuyDialog } from './buy-dialog.tsx';
import { CartDialog } from './cart-dialog.tsx';
import { CheckoutReturn } from './checkout-return.tsx';

/** A client's private gallery: PIN entry, paged photo grid, lightbox, print ordering and cart. */
export function ClientGalleryPage() {
  const { token = '' } = useParams();
  const [params] = useSearchParams();
  const gallery = usePublicGallery(token);
  const [open, setOpen] = useState<number | null>(null);
  const [buying, setBuying] = useState<Photo | null>(null);
  const [cartOpen, setCartOpen] = useState(false);
  const pages = gallery.data?.pages;
  const photos = useMemo(() => loadedPhotos(pages ?? []), [pages]);

  if (gallery.isPending) return <PageSpinner label="Opening gallery" />;
  const g = pages?.[0]?.gallery;
  if (!g) {
    const e = gallery.error;
    if (isApiError(e) && e.details?.pinRequired) return <PinForm token={token} studio={galleryStudio(undefined, e)} />;
    if (isApiError(e) && e.status === 410) {
      return (
        <PageContainer>
          <EmptyState title="This gallery has expired" description="Ask your photographer to extend it." />
        </PageContainer>
      );
    }
    if (isApiError(e) && e.status === 404) {
      return (
        <PageContainer>
          <EmptyState title="Gallery not found" description="Check the link you were sent." />
        </PageContainer>
      );
    }
    return (
      <PageContainer>
        <ErrorAlert error={e} onRetry={gallery.refetch} />
      </PageContainer>
    );
  }
  // The newest page knows the current count; photos added or removed since page one show up here.
  const photoCount = Math.max(pages?.at(-1)?.photoCount ?? g.photoCount, photos.length);
  const photo = open === null ? null : (photos[open] ?? null);
  const accent = accentStyle(g.accentColor);
  const loadMore = () => {
    if (gallery.hasNextPage && !gallery.isFetchingNextPage) void gallery.fetchNextPage();
  };
  // "Next" past the last loaded photo fetches the next page and then moves on.
  const next = async () => {
    if (open === null) return;
    if (open < photos.length - 1) return setOpen(open + 1);
    if (!gallery.hasNextPage || gallery.isFetchingNextPage) return;
    const r = await gallery.fetchNextPage();
    if (loadedPhotos(r.data?.pages ?? []).length > open + 1) setOpen(open + 1);
  };
  return (
    <PageContainer>
      {/* The studio's logo, name and accent sit in the layout's header above. */}
      <PageHeader
        title={g.title}
        description={g.eventDate ? formatDate(g.eventDate) : undefined}
        actions={
          g.storeEnabled ? (
            <Button variant={accent ? 'primary' : 'secondary'} style={accent} onClick={() => setCartOpen(true)}>
              Cart
            </Button>
          ) : null
        }
      />
      <CheckoutReturn token={token} state={params.get('checkout') ?? ''} sessionId={params.get('session_id')} />
      {photos.length === 0 && !gallery.hasNextPage ? (
        <EmptyState title="No photos yet" description={`${g.studioName} is still uploading.`} />
      ) : (
        <>
          <ul aria-label="Photos" className="grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-4">
            {photos.map((p, i) => (
              <li key={p.id}>
                <button
                  type="button"
                  className="block w-full"
                  onClick={() => setOpen(i)}
                  aria-label={`Open ${p.filename}`}
                >
                  <img
                    src={p.thumbUrl}
                    alt={p.filename}
                    loading="lazy"
                    decoding="async"
                    width={p.width}
                    height={p.height}
                    className="aspect-square h-auto w-full rounded bg-stone-100 object-cover"
                  />
                </button>
              </li>
            ))}
            {gallery.isFetchingNextPage
              ? SKELETON_KEYS.map((k) => (
                  <li key={k}>
                    <Skeleton className="aspect-square w-full rounded" />
                  </li>
                ))
              : null}
          </ul>
          <div className="mt-4 flex flex-col items-center gap-3 pb-8">
            <p className="text-sm text-muted" aria-live="polite">
              Showing {photos.length} of {photoCount} photos
            </p>
            {gallery.isFetchNextPageError ? (
              <ErrorAlert
                className="w-full max-w-md"
                title="Could not load more photos"
                error={gallery.error}
                onRetry={() => void gallery.fetchNextPage()}
              />
            ) : gallery.hasNextPage ? (
              <>
                {/* Remounted per page so it checks again when a short page leaves it in view. */}
                <LoadMoreSentinel key={pages?.length} onVisible={loadMore} />
                <Button variant="secondary" loading={gallery.isFetchingNextPage} onClick={loadMore}>
                  Load more photos
                </Button>
              </>
            ) : null}
          </div>
        </>
      )}
      <Dialog open={photo !== null} onOpenChange={(o) => !o && setOpen(null)}>
        {photo && open !== null ? (
          <DialogContent title={photo.filename} className="max-w-5xl">
            <img
              src={photo.webUrl}
              alt={photo.filename}
              width={photo.width}
              height={photo.height}
              className="h-auto max-h-[70vh] w-full object-contain"
            />
            <div className="mt-3 flex flex-wrap items-center justify-between gap-2">
              <div className="flex items-center gap-2">
                <Button variant="ghost" disabled={open === 0} onClick={() => setOpen((i) => (i ?? 1) - 1)}>
                  ← Previous
                </Button>
                <span className="text-sm tabular-nums text-muted" data-testid="lightbox-counter">
                  {open + 1} / {photoCount}
                </span>
                <Button
                  variant="ghost"
                  disabled={open === photos.length - 1 && !gallery.hasNextPage}
                  loading={open === photos.length - 1 && gallery.isFetchingNextPage}
                  onClick={() => void next()}
                >
                  Next →
                </Button>
              </div>
              {g.storeEnabled ? (
                <Button
                  style={accent}
                  onClick={() => {
                    setBuying(photo);
                    setOpen(null);
                  }}
                >
                  Buy prints
                </Button>
              ) : null}
            </div>
            {open === photos.length - 1 && gallery.isFetchNextPageError ? (
              <p role="alert" className="mt-2 text-sm text-red-700">
                Could not load more photos. Press “Next” to try again.
              </p>
            ) : null}
          </DialogContent>
        ) : null}
      </Dialog>
      {buying ? (
        <BuyDialog
          token={token}
          photo={buying}
          accentColor={g.accentColor}
          onClose={() => setBuying(null)}
          onAdded={() => {
            setBuying(null);
            setCartOpen(true);
          }}
        />
      ) : null}
      {g.storeEnabled ? (
        <CartDialog token={token} open={cartOpen} onOpenChange={setCartOpen} accentColor={g.accentColor} />
      ) : null}
    </PageContainer>
  );
}

const SKELETON_KEYS = ['s0', 's1', 's2', 's3', 's4', 's5', 's6', 's7'];

/** Every loaded photo in order, once: a reorder between pages can serve a moved photo twice. */
function loadedPhotos(pages: GalleryPage[]): Photo[] {
  const seen = new Set<string>();
  const out: Photo[] = [];
  for (const p of pages.flatMap((page) => page.data)) {
    if (seen.has(p.id)) continue;
    seen.add(p.id);
    out.push(p);
  }
  return out;
}

/** Calls `onVisible` when scrolled near; the "Load more photos" button stays as the fallback. */
function LoadMoreSentinel({ onVisible }: { onVisible: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const latest = useRef(onVisible);
  latest.current = onVisible;
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof IntersectionObserver === 'undefined') return;
    const io = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && latest.current(), {
      rootMargin: '800px 0px',
    });
    io.observe(el);
    return () => io.disconnect();
  }, []);
  return <div ref={ref} aria-hidden="true" className="h-px w-full" />;
}

function PinForm({ token, studio }: { token: string; studio: GalleryStudio | null }) {
  const unlock = useUnlock(token);
  const [pin, setPin] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    unlock.mutate(pin);
  };
  const from = studio?.studioName ?? 'your photographer';
  return (
    <PageContainer>
      <form onSubmit={submit} className="mx-auto flex max-w-xs flex-col gap-3 py-12">
        <h1 className="text-xl font-semibold">
          {studio ? `A private gallery from ${studio.studioName}` : 'This gallery is protected'}
        </h1>
        <p className="text-sm text-muted">Enter the PIN {from} sent you with this link.</p>
        <Field label="PIN" error={unlock.error ? errorMessage(unlock.error) : null}>
          <Input
            inputMode="numeric"
            autoComplete="one-time-code"
            value={pin}
            onChange={(e) => setPin(e.target.value)}
          />
        </Field>
        <Button type="submit" loading={unlock.isPending} style={accentStyle(studio?.accentColor ?? null)}>
          Open gallery
        </Button>
      </form>
    </PageContainer>
  );
}

import { type FormEvent, useState } from 'react';
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
} from '../../components/ui/index.ts';
import { errorMessage, isApiError } from '../../lib/api.ts';
import { formatDate } from '../../lib/format.ts';
import { type Photo, usePublicGallery, useUnlock } from './api.ts';
import { accentStyle } from './branding.ts';
import { BuyDialog } from './buy-dialog.tsx';
import { CartDialog } from './cart-dialog.tsx';
import { CheckoutReturn } from './checkout-return.tsx';

/** A client's private gallery: PIN entry, photo grid, lightbox, print ordering and cart. */
export function ClientGalleryPage() {
  const { token = '' } = useParams();
  const [params] = useSearchParams();
  const gallery = usePublicGallery(token);
  const [open, setOpen] = useState<number | null>(null);
  const [buying, setBuying] = useState<Photo | null>(null);
  const [cartOpen, setCartOpen] = useState(false);

  if (gallery.isPending) return <PageSpinner label="Opening gallery" />;
  if (gallery.error) {
    const e = gallery.error;
    if (isApiError(e) && e.details?.pinRequired) return <PinForm token={token} />;
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
  const g = gallery.data;
  const photo = open === null ? null : g.photos[open];
  const accent = accentStyle(g.accentColor);
  return (
    <PageContainer>
      <header
        className="mb-2 flex flex-col gap-3 border-t-4 pt-4"
        style={{ borderColor: g.accentColor ?? 'transparent' }}
      >
        {g.logoUrl ? (
          <img
            src={g.logoUrl}
            alt={g.studioName}
            className="h-12 w-auto max-w-[60vw] self-start object-contain sm:h-16"
          />
        ) : null}
        <PageHeader
          eyebrow={g.studioName}
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
      </header>
      <CheckoutReturn token={token} state={params.get('checkout') ?? ''} sessionId={params.get('session_id')} />
      {g.photos.length === 0 ? (
        <EmptyState title="No photos yet" description="Your photographer is still uploading." />
      ) : (
        <ul className="grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-4">
          {g.photos.map((p, i) => (
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
                  className="aspect-square w-full rounded object-cover"
                />
              </button>
            </li>
          ))}
        </ul>
      )}
      <Dialog open={photo !== null} onOpenChange={(o) => !o && setOpen(null)}>
        {photo ? (
          <DialogContent title={photo.filename} className="max-w-5xl">
            <img src={photo.webUrl} alt={photo.filename} className="max-h-[70vh] w-full object-contain" />
            <div className="mt-3 flex flex-wrap items-center justify-between gap-2">
              <div className="flex gap-2">
                <Button variant="ghost" disabled={open === 0} onClick={() => setOpen((i) => (i ?? 1) - 1)}>
                  ← Previous
                </Button>
                <Button
                  variant="ghost"
                  disabled={open === g.photos.length - 1}
                  onClick={() => setOpen((i) => (i ?? 0) + 1)}
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
        <CartDialog
          token={token}
          open={cartOpen}
          onOpenChange={setCartOpen}
          photos={g.photos}
          accentColor={g.accentColor}
        />
      ) : null}
    </PageContainer>
  );
}

function PinForm({ token }: { token: string }) {
  const unlock = useUnlock(token);
  const [pin, setPin] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    unlock.mutate(pin);
  };
  return (
    <PageContainer>
      <form onSubmit={submit} className="mx-auto flex max-w-xs flex-col gap-3 py-12">
        <h1 className="text-xl font-semibold">This gallery is protected</h1>
        <Field label="PIN" error={unlock.error ? errorMessage(unlock.error) : null}>
          <Input
            inputMode="numeric"
            autoComplete="one-time-code"
            value={pin}
            onChange={(e) => setPin(e.target.value)}
          />
        </Field>
        <Button type="submit" loading={unlock.isPending}>
          Open gallery
        </Button>
      </form>
    </PageContainer>
  );
}

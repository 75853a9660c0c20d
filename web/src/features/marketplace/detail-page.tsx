import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { Email } from '../../../../src/accounts/fields.ts';
import { PageContainer } from '../../components/page-container.tsx';
import {
  Alert,
  Badge,
  Button,
  Card,
  CardContent,
  ErrorAlert,
  Field,
  Input,
  PageSpinner,
  Skeleton,
} from '../../components/ui/index.ts';
import { formErrorsFrom, isApiError } from '../../lib/api.ts';
import { useSession } from '../../lib/session.tsx';
import { fieldError } from '../../lib/validation.ts';
import { AssistantButton } from '../assistant/assistant-button.tsx';
import { formatMoney as formatMinor } from '../orders/money.ts';
import { type PriceBreakdown, purchaseApi, recordArtworkView, useArtwork, useArtworkPrice } from './api.ts';
import { formatSize, mediumLabel, statusTone } from './format.ts';
import { ImageBox } from './image-box.tsx';
import { SaveButton } from './save-button.tsx';
import { SimilarWorks } from './similar-works.tsx';

/** One artwork: images, details and how the price is shared between artist and platform. */
export function ArtworkDetailPage() {
  const { id = '' } = useParams();
  const q = useArtwork(id);
  const { user } = useSession();
  const [shown, setShown] = useState<string | null>(null);
  const buyable = q.data && ['published', 'reserved', 'sold'].includes(q.data.artwork.status);
  // A signed-in patron's visit shapes their recommendations (once per page view; artists' own drafts never count).
  useEffect(() => {
    if (user && buyable) void recordArtworkView(id);
  }, [user, buyable, id]);
  if (q.isPending) return <PageSpinner label="Loading artwork" />;
  if (q.isError) return <ErrorAlert error={q.error} onRetry={q.refetch} title="Could not load this artwork" />;
  const { artwork: w, price } = q.data;
  const main = w.images.find((i) => i.id === shown) ?? w.images.find((i) => i.isPrimary) ?? w.images[0];

  return (
    <PageContainer>
      <div className="grid gap-8 lg:grid-cols-[3fr_2fr]">
        <div className="grid content-start gap-3">
          {main ? (
            <ImageBox
              key={main.id}
              src={main.url}
              thumbSrc={main.thumbUrl}
              width={main.width}
              height={main.height}
              alt={w.title}
            />
          ) : (
            <div className="aspect-[4/3] rounded-card bg-stone-100" />
          )}
          {w.images.length > 1 ? (
            <div className="flex gap-2">
              {w.images.map((i, n) => (
                <button
                  key={i.id}
                  type="button"
                  onClick={() => setShown(i.id)}
                  aria-label={`Show image ${n + 1}`}
                  aria-pressed={i.id === main?.id}
                >
                  <img
                    src={i.thumbUrl}
                    alt=""
                    width={i.width}
                    height={i.height}
                    className="size-16 rounded object-cover"
                  />
                </button>
              ))}
            </div>
          ) : null}
        </div>
        <div className="grid content-start gap-4">
          {w.status !== 'published' ? (
            <Badge tone={statusTone[w.status]} className="w-fit">
              {w.status}
            </Badge>
          ) : null}
          <h1 className="font-display text-3xl font-semibold">{w.title}</h1>
          <p className="flex flex-wrap gap-x-3 text-muted">
            <Link to={`/artists/${encodeURIComponent(w.artist.slug)}`} className="underline">
              {w.artist.name}
            </Link>
            <Link to={`/art?artist=${encodeURIComponent(w.artist.slug)}`} className="text-sm underline">
              More works by this artist
            </Link>
          </p>
          <p className="text-sm text-muted">
            {mediumLabel(w.medium)}
            {w.year ? ` · ${w.year}` : ''}
            {formatSize(w) ? ` · ${formatSize(w)}` : ''}
            {w.editionType === 'edition' ? ` · Edition of ${w.editionSize}` : ' · Original'}
          </p>
          {w.description ? <p className="whitespace-pre-line">{w.description}</p> : null}
          {buyable ? <SaveButton artworkId={w.id} title={w.title} /> : null}
          <BuyPanel artworkId={w.id} fallback={price} />
          {buyable ? <AssistantButton variant="ghost" className="w-fit" /> : null}
        </div>
      </div>
      {buyable ? <SimilarWorks artworkId={w.id} /> : null}
    </PageContainer>
  );
}

function Row({ label, value, strong }: { label: string; value: string; strong?: boolean }) {
  return (
    <div className={strong ? 'flex justify-between text-lg font-semibold' : 'flex justify-between text-sm text-muted'}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

/** Price breakdown and the buy flow: guests give an email, the work is held while Checkout is open. */
function BuyPanel({ artworkId, fallback }: { artworkId: string; fallback: PriceBreakdown }) {
  const price = useArtworkPrice(artworkId);
  const { user } = useSession();
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const [email, setEmail] = useState('');
  const [errors, setErrors] = useState<{ email?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);
  const [cancelled, setCancelled] = useState(false);
  const cancelOnce = useRef(false);

  // Back from Checkout without paying: give the hold up at once so the work is buyable again.
  const cancelOrder = params.get('checkout') === 'cancelled' ? params.get('order') : null;
  useEffect(() => {
    if (!cancelOrder || cancelOnce.current) return;
    cancelOnce.current = true;
    purchaseApi
      .cancel(artworkId, cancelOrder)
      .catch(() => {})
      .finally(() => {
        setCancelled(true);
        setParams({}, { replace: true });
        void qc.invalidateQueries({ queryKey: ['marketplace'] });
      });
  }, [artworkId, cancelOrder, qc, setParams]);

  if (price.isPending) return <Skeleton className="h-40" />;
  // Not for sale (a draft the artist is looking at): show the split only.
  if (price.isError && isApiError(price.error) && price.error.status === 404) {
    const m = (n: number) => formatMinor(n, fallback.currency);
    return (
      <Card>
        <CardContent className="sm:p-5">
          <dl className="grid gap-2">
            <Row label="Price" value={m(fallback.price)} strong />
            <Row label="Goes to the artist" value={m(fallback.artistShare)} />
            <Row label={`Platform fee (${fallback.feeBps / 100}%)`} value={m(fallback.platformFee)} />
          </dl>
        </CardContent>
      </Card>
    );
  }
  if (price.isError) return <ErrorAlert error={price.error} onRetry={price.refetch} title="Could not load the price" />;
  const p = price.data;
  const m = (n: number) => formatMinor(n, p.currency);

  const buy = async (event: FormEvent) => {
    event.preventDefault();
    // Guests give the address the receipt goes to; the same rule the checkout endpoint applies.
    const emailError = user ? undefined : fieldError(Email, email);
    if (emailError) {
      setErrors({ email: emailError });
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const r = await purchaseApi.checkout(artworkId, user ? undefined : email.trim());
      window.location.assign(r.checkoutUrl);
    } catch (err) {
      const parsed = formErrorsFrom(err, ['email'] as const);
      setErrors({ email: parsed.fieldErrors.email, form: parsed.formError ?? undefined });
      setBusy(false);
      void price.refetch();
    }
  };

  return (
    <Card>
      <CardContent className="grid gap-4 sm:p-5">
        <dl className="grid gap-2" aria-label="Price breakdown">
          <Row label="Price" value={m(p.price)} strong />
          <Row label="Shipping" value={p.shipping > 0 ? m(p.shipping) : 'Free'} />
          <Row label="Total" value={m(p.total)} />
          <Row label="Artist receives" value={m(p.artistReceives)} />
          <Row label={`Platform fee (${p.feeBps / 100}%)`} value={m(p.platformFee)} />
        </dl>
        {cancelled ? <Alert variant="info">Checkout cancelled. You have not been charged.</Alert> : null}
        {p.availability === 'sold' ? (
          <Alert variant="info" title="Sold">
            This work has found its collector.
          </Alert>
        ) : p.availability === 'reserved' ? (
          <Alert variant="warning" title="Reserved">
            Someone is checking out right now. If they don’t complete the purchase, the work is available again
            {p.reservedUntil ? ` after ${new Date(p.reservedUntil).toLocaleTimeString()}` : ' shortly'}.
          </Alert>
        ) : p.availability === 'available' ? (
          <form onSubmit={buy} noValidate className="grid gap-3">
            {errors.form ? <Alert variant="error">{errors.form}</Alert> : null}
            {user ? null : (
              <Field label="Your email" error={errors.email} hint="For your receipt; no account needed" required>
                <Input
                  type="email"
                  name="email"
                  autoComplete="email"
                  value={email}
                  onChange={(e) => setEmail(e.target.value)}
                />
              </Field>
            )}
            <Button type="submit" loading={busy}>
              Buy now
            </Button>
            <p className="text-xs text-muted">
              We hold the work for you for 30 minutes while you pay securely with Stripe.
            </p>
          </form>
        ) : null}
      </CardContent>
    </Card>
  );
}

import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { Link } from 'react-router';
import { Alert, Button, ConfirmDialog, Spinner } from '../../components/ui/index.ts';
import { errorMessage } from '../../lib/api.ts';
import { cn } from '../../lib/cn.ts';
import { useSession } from '../../lib/session.tsx';
import { artworkApi, useArtwork } from '../marketplace/api.ts';
import { formatMoney } from '../marketplace/format.ts';
import { profileApi, profileKeys } from '../marketplace/profile-api.ts';

/*
 * The seller assistants' tool cards (studio and artist): the MCP tools' structured outputs as compact cards. Money
 * from the tools is in minor units.
 */

export const asRecord = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
const asRows = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.map(asRecord) : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const money = (amount: unknown, currency: unknown) => formatMoney(num(amount), str(currency) || 'eur');
const label = (s: unknown) => str(s).replace(/_/g, ' ');
const isWebUrl = (v: unknown): v is string => typeof v === 'string' && /^https?:\/\//.test(v);

export function MutedCard({ children, className }: { children: ReactNode; className?: string }) {
  return (
    <div className={cn('rounded-control border border-border bg-stone-50 px-3 py-2 text-sm text-muted', className)}>
      {children}
    </div>
  );
}

function Card({ children, className, ...rest }: { children: ReactNode; className?: string; 'aria-label'?: string }) {
  return (
    <div
      className={cn('grid min-w-0 gap-2 rounded-control border border-border bg-surface px-3 py-2 text-sm', className)}
      {...rest}
    >
      {children}
    </div>
  );
}

const SHOWN = 5;

/** A short list: the first few rows, then "and N more". */
function ShortList<T>({
  rows,
  label: name,
  empty,
  row,
  rowKey,
}: {
  rows: T[];
  label: string;
  empty: string;
  row: (r: T) => ReactNode;
  rowKey: (r: T, i: number) => string;
}) {
  if (rows.length === 0) return <MutedCard>{empty}</MutedCard>;
  return (
    <ul
      aria-label={name}
      className="grid min-w-0 gap-1 rounded-control border border-border bg-surface px-3 py-2 text-sm"
    >
      {rows.slice(0, SHOWN).map((r, i) => (
        <li key={rowKey(r, i)} className="flex min-w-0 flex-wrap justify-between gap-x-3">
          {row(r)}
        </li>
      ))}
      {rows.length > SHOWN ? <li className="text-muted">and {rows.length - SHOWN} more</li> : null}
    </ul>
  );
}

/** create_gallery_checkout: the link to send the client, to open or copy. */
function CheckoutLinkCard({ out }: { out: Record<string, unknown> }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const url = isWebUrl(out.checkout_url) ? out.checkout_url : null;
  const email = str(out.buyer_email);
  const copy = async () => {
    if (!url) return;
    try {
      await navigator.clipboard.writeText(url);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <Card aria-label="Checkout link">
      <p className="break-words">
        {email ? (
          <>
            Checkout link for <strong>{email}</strong>:{' '}
          </>
        ) : (
          'Checkout link: '
        )}
        <strong>{money(out.total, out.currency)}</strong>
        {num(out.shipping) > 0 ? (
          <span className="text-muted"> (shipping {money(out.shipping, out.currency)} included)</span>
        ) : null}
      </p>
      {url ? (
        <div className="flex flex-wrap items-center gap-2">
          <a
            href={url}
            target="_blank"
            rel="noopener noreferrer"
            className="focus-ring inline-flex h-8 items-center rounded-control bg-stone-900 px-3 font-medium text-white hover:bg-stone-800"
          >
            Open payment page
          </a>
          <Button size="sm" variant="secondary" onClick={copy}>
            Copy link
          </Button>
          <span className="text-xs text-muted" aria-live="polite">
            {copied === 'yes'
              ? 'Link copied'
              : copied === 'failed'
                ? 'Could not copy: open the page and copy its address'
                : ''}
          </span>
        </div>
      ) : null}
    </Card>
  );
}

function Figure({ name, value }: { name: string; value: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-muted">{name}</dt>
      <dd className="font-medium">{value}</dd>
    </div>
  );
}

/** sales_summary: a studio's month (with the month before) or an artist's totals per currency. */
function SalesSummaryCard({ out }: { out: Record<string, unknown> }) {
  const month = str(out.month);
  const top = asRows(out.top_items).slice(0, 3);
  const topList = top.length ? (
    <ul aria-label="Top items" className="grid gap-0.5 text-xs text-muted">
      {top.map((t) => (
        <li
          key={`${str(t.artwork_id) || str(t.name) || str(t.title)}-${str(t.currency)}`}
          className="flex min-w-0 justify-between gap-2"
        >
          <span className="truncate">
            {str(t.name) || str(t.title)} × {num(t.quantity)}
          </span>
          <span>{money(t.revenue, t.currency ?? out.currency)}</span>
        </li>
      ))}
    </ul>
  ) : null;

  if (out.account_kind === 'artist') {
    const totals = asRows(out.totals);
    return (
      <Card aria-label={`Sales ${month}`}>
        <p className="font-medium">Sales {month}</p>
        {totals.length === 0 ? <p className="text-muted">No sales this month.</p> : null}
        {totals.map((t) => (
          <dl key={str(t.currency)} className="grid grid-cols-2 gap-2 sm:grid-cols-4">
            <Figure name="Net" value={money(t.net, t.currency)} />
            <Figure name="Your earnings" value={money(t.artist_earnings, t.currency)} />
            <Figure name="Orders" value={num(t.order_count)} />
            <Figure name="Refunds" value={money(t.refunds, t.currency)} />
          </dl>
        ))}
        {topList}
      </Card>
    );
  }
  const previous = asRecord(out.previous_month);
  return (
    <Card aria-label={`Sales ${month}`}>
      <p className="font-medium">Sales {month}</p>
      <dl className="grid grid-cols-2 gap-2 sm:grid-cols-4">
        <Figure name="Net" value={money(out.net, out.currency)} />
        <Figure name="Orders" value={num(out.order_count)} />
        <Figure name="Gross" value={money(out.gross, out.currency)} />
        <Figure name="Refunds" value={money(out.refunds, out.currency)} />
      </dl>
      {previous.month ? (
        <p className="text-xs text-muted">
          {str(previous.month)}: {money(previous.net, out.currency)} net, {num(previous.order_count)} orders
        </p>
      ) : null}
      {topList}
    </Card>
  );
}

/** Where a description can be changed straight away; submitted and published works go back to draft first. */
const EDITABLE = ['draft', 'rejected'];
const TAKE_BACK = ['submitted', 'published'];

/**
 * draft_artwork_description: the draft, saved into the artwork's description only when the artist presses
 * "Use as description" (with the artwork update the dashboard uses). A submitted or published work is taken back
 * to draft first, which the confirmation says.
 */
function DescriptionDraftCard({ out }: { out: Record<string, unknown> }) {
  const id = str(out.artwork_id);
  const title = str(out.title) || 'the artwork';
  const draft = str(out.draft);
  const qc = useQueryClient();
  const artwork = useArtwork(id);
  const [pending, setPending] = useState(false);
  const [result, setResult] = useState<{ saved: true; unpublished: boolean } | { error: string } | null>(null);
  const status = artwork.data?.artwork.status;
  const takeBack = Boolean(status && TAKE_BACK.includes(status));

  const save = async () => {
    setPending(true);
    setResult(null);
    try {
      if (takeBack) await artworkApi.unpublish(id);
      await artworkApi.update(id, { description: draft });
      setResult({ saved: true, unpublished: takeBack });
    } catch (e) {
      setResult({ error: errorMessage(e) });
    } finally {
      setPending(false);
      // The dashboard, the work's page and this card's own status read these.
      void qc.invalidateQueries({ queryKey: ['marketplace'] });
    }
  };

  const use = (
    <Button size="sm" loading={pending} disabled={artwork.isPending || !draft}>
      Use as description
    </Button>
  );
  return (
    <Card aria-label={`Description draft for ${title}`}>
      <p className="text-xs font-medium uppercase tracking-wide text-muted">Description draft · {title}</p>
      <p className="whitespace-pre-wrap break-words">{draft}</p>
      <div className="flex flex-wrap items-center gap-2">
        {takeBack ? (
          <ConfirmDialog
            trigger={use}
            title={`Use the draft as the description of “${title}”?`}
            description={`“${title}” is ${status}. To change its description it goes back to draft, and you submit it for review again when you are ready.`}
            confirmLabel="Use as description (the work goes back to draft for review)"
            onConfirm={save}
          />
        ) : (
          <Button size="sm" loading={pending} disabled={artwork.isPending || !draft} onClick={() => void save()}>
            Use as description
          </Button>
        )}
        {artwork.isPending ? <Spinner size="sm" label="Checking the artwork" /> : null}
        {status && !EDITABLE.includes(status) && !TAKE_BACK.includes(status) ? (
          <span className="text-xs text-muted">A {status} work can’t be edited.</span>
        ) : null}
      </div>
      {artwork.isError ? <p className="text-xs text-red-700">{errorMessage(artwork.error)}</p> : null}
      {result && 'saved' in result ? (
        <Alert variant="success" title={`Saved to “${title}”`}>
          {result.unpublished ? 'The work is a draft again: submit it for review when you are ready.' : null}
        </Alert>
      ) : null}
      {result && 'error' in result ? (
        <Alert variant="error" title="Could not save the description">
          {result.error}
        </Alert>
      ) : null}
    </Card>
  );
}

const TEXT_KINDS: Record<string, string> = {
  bio: 'Bio',
  statement: 'Artist statement',
  press_release: 'Press release',
  social_post: 'Social post',
};

/**
 * draft_artist_text: a bio, statement, press release or social post, to copy. A draft the tool says saves into the
 * bio (field 'bio') also offers "Save as bio", which writes it to the artist's public profile only on that click.
 */
function ArtistTextCard({ out }: { out: Record<string, unknown> }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const kind = TEXT_KINDS[str(out.kind)] ?? 'Draft';
  const title = str(out.title);
  const draft = str(out.draft);
  const qc = useQueryClient();
  // The artist assistant works in the selected artist account, so that is the profile the draft belongs to.
  const { currentAccount } = useSession();
  const accountId = currentAccount?.kind === 'artist' ? currentAccount.accountId : null;
  const [pending, setPending] = useState(false);
  const [saved, setSaved] = useState<{ slug: string } | { error: string } | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(draft);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  };
  const saveAsBio = async () => {
    if (!accountId) return;
    setPending(true);
    setSaved(null);
    try {
      const r = await profileApi.save(accountId, { bio: draft });
      setSaved({ slug: r.profile.slug });
    } catch (e) {
      setSaved({ error: errorMessage(e) });
    } finally {
      setPending(false);
      // The dashboard's profile editor and the public artist page read these.
      void qc.invalidateQueries({ queryKey: profileKeys.profile(accountId) });
      void qc.invalidateQueries({ queryKey: ['marketplace'] });
    }
  };
  return (
    <Card aria-label={`${kind} draft`}>
      <p className="text-xs font-medium uppercase tracking-wide text-muted">
        {kind} draft{title ? ` · ${title}` : ''}
      </p>
      <p className="whitespace-pre-wrap break-words">{draft}</p>
      <div className="flex flex-wrap items-center gap-2">
        {out.field === 'bio' && accountId ? (
          <Button size="sm" loading={pending} disabled={!draft} onClick={() => void saveAsBio()}>
            Save as bio
          </Button>
        ) : null}
        <Button size="sm" variant="secondary" disabled={!draft} onClick={() => void copy()}>
          Copy text
        </Button>
        <span className="text-xs text-muted" aria-live="polite">
          {copied === 'yes' ? 'Copied' : copied === 'failed' ? 'Could not copy: select the text and copy it' : ''}
        </span>
      </div>
      {saved && 'slug' in saved ? (
        <Alert variant="success" title="Saved as your bio">
          Your{' '}
          <Link to={`/artists/${saved.slug}`} className="underline underline-offset-2">
            public artist page
          </Link>{' '}
          shows it now.
        </Alert>
      ) : null}
      {saved && 'error' in saved ? (
        <Alert variant="error" title="Could not save the bio">
          {saved.error}
        </Alert>
      ) : null}
    </Card>
  );
}

const dateOf = (v: unknown) => {
  const d = new Date(str(v));
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleDateString();
};

/** The seller tools' cards, or null for a tool that is not a seller tool. */
export function sellerToolCard(name: string, out: Record<string, unknown>): ReactNode | null {
  switch (name) {
    case 'create_gallery_checkout':
      return <CheckoutLinkCard out={out} />;
    case 'sales_summary':
      return <SalesSummaryCard out={out} />;
    case 'draft_artwork_description':
      return <DescriptionDraftCard out={out} />;
    case 'draft_artist_text':
      return <ArtistTextCard out={out} />;
    case 'list_galleries':
      return (
        <ShortList
          rows={asRows(out.galleries)}
          label="Galleries"
          empty="No galleries found."
          rowKey={(g, i) => str(g.gallery_id) || String(i)}
          row={(g) => (
            <>
              <span className="min-w-0 truncate font-medium">{str(g.title)}</span>
              <span className="text-muted">
                {label(g.status)} · {num(g.photo_count)} photos
              </span>
            </>
          )}
        />
      );
    case 'list_clients':
      return (
        <ShortList
          rows={asRows(out.clients)}
          label="Clients"
          empty="No clients found."
          rowKey={(c, i) => str(c.client_id) || String(i)}
          row={(c) => (
            <>
              <span className="min-w-0 truncate font-medium">{str(c.name)}</span>
              <span className="min-w-0 truncate text-muted">{str(c.email)}</span>
            </>
          )}
        />
      );
    case 'list_artworks':
      return (
        <ShortList
          rows={asRows(out.artworks)}
          label="Your artworks"
          empty="No artworks yet."
          rowKey={(w, i) => str(w.artwork_id) || String(i)}
          row={(w) => (
            <>
              <span className="min-w-0 truncate font-medium">{str(w.title)}</span>
              <span className="text-muted">
                {label(w.status)} · {money(w.price, w.currency)}
              </span>
            </>
          )}
        />
      );
    case 'list_orders':
      return (
        <ShortList
          rows={asRows(out.orders)}
          label="Orders"
          empty="No orders found."
          rowKey={(o, i) => str(o.order_id) || String(i)}
          row={(o) => (
            <>
              <span className="min-w-0 truncate">
                {dateOf(o.created_at)} · {label(o.status)}
                {o.buyer_email ? ` · ${str(o.buyer_email)}` : ''}
              </span>
              <span className="font-medium">{money(o.total, o.currency)}</span>
            </>
          )}
        />
      );
    case 'get_order_status':
      return (
        <Card aria-label="Order">
          <p className="flex flex-wrap justify-between gap-x-3">
            <span>
              Order {str(out.order_id).slice(0, 8)} · {label(out.status)}
              {out.buyer_email ? ` · ${str(out.buyer_email)}` : ''}
            </span>
            <span className="font-medium">{money(out.total, out.currency)}</span>
          </p>
        </Card>
      );
    default:
      return null;
  }
}

export const sellerPendingLabels: Record<string, string> = {
  create_gallery_checkout: 'Creating the checkout link…',
  sales_summary: 'Adding up sales…',
  list_galleries: 'Looking up galleries…',
  list_clients: 'Looking up clients…',
  list_gallery_products: 'Looking up the gallery’s products…',
  list_artworks: 'Looking up your artworks…',
  list_orders: 'Looking up orders…',
  get_order_status: 'Checking the order…',
  draft_artwork_description: 'Looking at the picture and drafting…',
  draft_artist_text: 'Drafting from your profile and works…',
};

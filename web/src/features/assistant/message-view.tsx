import { type ComponentPropsWithoutRef, createContext, useContext } from 'react';
import Markdown, { type Components } from 'react-markdown';
import { Link } from 'react-router';
import { Spinner } from '../../components/ui/index.ts';
import { formatMoney, mediumLabel } from '../marketplace/format.ts';
import type { ChatMessage, Part, ToolPart } from './api.ts';
import { asRecord, MutedCard, sellerPendingLabels, sellerToolCard } from './seller-cards.tsx';

/** Called when an in-app link in the conversation is followed (the panel closes so the page shows). */
export const NavigateContext = createContext<() => void>(() => {});

/** Links to our own pages navigate in-app; any other link opens apart from the page, without an opener. */
function MarkdownLink({ href = '', children }: ComponentPropsWithoutRef<'a'>) {
  const onNavigate = useContext(NavigateContext);
  if (href.startsWith('/') && !href.startsWith('//')) {
    return (
      <Link to={href} onClick={onNavigate} className="underline">
        {children}
      </Link>
    );
  }
  return (
    <a href={href} target="_blank" rel="noopener noreferrer" className="underline">
      {children}
    </a>
  );
}

const markdownComponents: Components = {
  a: ({ node: _node, ...props }) => <MarkdownLink {...props} />,
};

/**
 * The assistant's Markdown, sanitised: no rehype-raw, so HTML in a reply shows as text and never becomes elements;
 * react-markdown's URL filter drops `javascript:` and the like; images are not shown (no requests to hosts a reply
 * names).
 */
export function AssistantMarkdown({ text }: { text: string }) {
  return (
    <div className="assistant-markdown grid gap-2 break-words text-sm leading-relaxed [&_li]:ml-5 [&_ol]:list-decimal [&_pre]:overflow-x-auto [&_ul]:list-disc">
      <Markdown components={markdownComponents} disallowedElements={['img']}>
        {text}
      </Markdown>
    </div>
  );
}

const toolName = (p: ToolPart) => p.type.slice('tool-'.length);

interface ArtworkHit {
  id: string;
  title: string;
  artist: string;
  medium: string;
  price: number;
  currency: string;
  url: string;
  thumbUrl: string | null;
  reason: string;
}

interface OrderRow {
  order_id: string;
  status: string;
  kind: string;
  total: number;
  currency: string;
  created_at: string;
}

/** A tool's own refusal (`{error:{message}}`), or null. */
function refusal(output: unknown): string | null {
  const error = asRecord(asRecord(output).error);
  return typeof error.message === 'string' ? error.message : null;
}

function ArtworkList({ hits, label }: { hits: ArtworkHit[]; label: string }) {
  const onNavigate = useContext(NavigateContext);
  if (hits.length === 0) return <MutedCard>No artworks found.</MutedCard>;
  return (
    <ul aria-label={label} className="grid gap-2 sm:grid-cols-2">
      {hits.map((a) => (
        <li key={a.id} className="min-w-0 rounded-control border border-border bg-surface p-2">
          <Link to={`/art/${a.id}`} onClick={onNavigate} className="group flex min-w-0 gap-2">
            <div className="size-14 shrink-0 overflow-hidden rounded-md bg-stone-100">
              {a.thumbUrl ? <img src={a.thumbUrl} alt="" loading="lazy" className="size-full object-cover" /> : null}
            </div>
            <div className="min-w-0 text-sm">
              <div className="truncate font-medium group-hover:underline">{a.title}</div>
              <div className="truncate text-muted">
                {a.artist} · {mediumLabel(a.medium)}
              </div>
              <div className="font-medium">{formatMoney(a.price, a.currency)}</div>
            </div>
          </Link>
          {a.reason ? <p className="mt-1 text-xs text-muted">{a.reason}</p> : null}
        </li>
      ))}
    </ul>
  );
}

const pendingLabels: Record<string, string> = {
  search_artworks: 'Searching artworks…',
  recommend_artworks: 'Finding recommendations…',
  explain_artwork: 'Looking up the artwork…',
  start_artwork_checkout: 'Preparing checkout…',
  my_orders: 'Looking up your orders…',
  ...sellerPendingLabels,
};

/** A tool call as a compact card with its result. */
export function ToolCard({ part }: { part: ToolPart }) {
  const onNavigate = useContext(NavigateContext);
  const name = toolName(part);
  if (part.state === 'output-error') return <MutedCard>{part.errorText || 'The tool failed.'}</MutedCard>;
  if (part.state !== 'output-available') {
    return (
      <MutedCard className="flex items-center gap-2">
        <Spinner size="sm" label="" />
        {pendingLabels[name] ?? 'Working…'}
      </MutedCard>
    );
  }
  const refused = refusal(part.output);
  if (refused) return <MutedCard>{refused}</MutedCard>;
  const out = asRecord(part.output);
  switch (name) {
    case 'search_artworks':
    case 'recommend_artworks':
      return (
        <ArtworkList
          hits={Array.isArray(out.artworks) ? (out.artworks as ArtworkHit[]) : []}
          label={name === 'search_artworks' ? 'Artworks found' : 'Recommended artworks'}
        />
      );
    case 'explain_artwork':
      return (
        <MutedCard>
          Looked up{' '}
          {typeof out.url === 'string' ? (
            <Link to={out.url} onClick={onNavigate} className="underline">
              “{String(out.title ?? 'an artwork')}”
            </Link>
          ) : (
            `“${String(out.title ?? 'an artwork')}”`
          )}
        </MutedCard>
      );
    case 'start_artwork_checkout':
      return (
        <div className="flex flex-wrap items-center gap-3 rounded-control border border-border bg-surface px-3 py-2 text-sm">
          <span>
            Total{' '}
            <strong>
              {typeof out.total === 'number' ? formatMoney(out.total, String(out.currency ?? 'eur')) : ''}
            </strong>
          </span>
          {typeof out.checkout_url === 'string' && /^https?:\/\//.test(out.checkout_url) ? (
            <a
              href={out.checkout_url}
              rel="noopener noreferrer"
              className="focus-ring inline-flex h-8 items-center rounded-control bg-stone-900 px-3 font-medium text-white hover:bg-stone-800"
            >
              Pay securely
            </a>
          ) : null}
        </div>
      );
    case 'my_orders': {
      const orders = Array.isArray(out.orders) ? (out.orders as OrderRow[]) : [];
      if (orders.length === 0) return <MutedCard>No orders yet.</MutedCard>;
      return (
        <ul
          aria-label="Your orders"
          className="grid gap-1 rounded-control border border-border bg-surface px-3 py-2 text-sm"
        >
          {orders.slice(0, 5).map((o) => (
            <li key={o.order_id} className="flex flex-wrap justify-between gap-x-3">
              <span>
                {new Date(o.created_at).toLocaleDateString()} · {o.status}
              </span>
              <span className="font-medium">{formatMoney(o.total, o.currency)}</span>
            </li>
          ))}
          {orders.length > 5 ? <li className="text-muted">and {orders.length - 5} more</li> : null}
        </ul>
      );
    }
    default:
      return sellerToolCard(name, out) ?? <MutedCard>Used {name.replace(/_/g, ' ')}</MutedCard>;
  }
}

function PartView({ part }: { part: Part }) {
  if (part.type === 'text') return part.text ? <AssistantMarkdown text={part.text} /> : null;
  if (part.type === 'data-image') return null;
  return <ToolCard part={part} />;
}

/** One message: the user's as plain text in a bubble, the assistant's as Markdown and tool cards. */
export function MessageView({ message, streaming }: { message: ChatMessage; streaming?: boolean }) {
  if (message.role === 'user') {
    const text = message.parts.map((p) => (p.type === 'text' ? p.text : '')).join('');
    const pictures = message.parts.flatMap((p) => (p.type === 'data-image' ? [p.data] : []));
    return (
      <div className="flex justify-end" data-role="user">
        <div className="max-w-[85%] whitespace-pre-wrap break-words rounded-card bg-stone-900 px-3 py-2 text-sm text-white">
          <span className="sr-only">You: </span>
          {text}
          {pictures.map((p) => (
            <span key={p.id} className="mt-1 block text-xs text-stone-300">
              {p.kind === 'photo' ? 'Photo' : 'Artwork'}: {p.title}
            </span>
          ))}
        </div>
      </div>
    );
  }
  return (
    <div className="grid min-w-0 gap-2" data-role="assistant">
      <span className="sr-only">Assistant:</span>
      {message.parts.map((p, i) => (
        <PartView key={p.type === 'text' || p.type === 'data-image' ? `t${i}` : p.toolCallId} part={p} />
      ))}
      {streaming && message.parts.length === 0 ? (
        <span className="flex items-center gap-2 text-sm text-muted">
          <Spinner size="sm" label="" /> Thinking…
        </span>
      ) : null}
    </div>
  );
}

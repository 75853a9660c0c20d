import type { ComponentType } from 'react';
import { Link } from 'react-router';
import {
  ArrowRightIcon,
  CheckIcon,
  CoinsIcon,
  ImageIcon,
  LockIcon,
  PaletteIcon,
  SparklesIcon,
} from '../../components/icons.tsx';
import { Button } from '../../components/ui/index.ts';
import { useSession } from '../../lib/session.tsx';

type Offering = {
  icon: ComponentType<{ size?: number; className?: string }>;
  title: string;
  audience: string;
  description: string;
  points: string[];
};

const offerings: Offering[] = [
  {
    icon: ImageIcon,
    title: 'Client galleries & prints',
    audience: 'For photo studios',
    description:
      'Share private galleries with clients, let them order prints in the sizes and finishes you offer, and fulfil them without spreadsheets.',
    points: [
      'Private, expiring gallery links with an optional PIN',
      'Print sizes, papers and price sheets',
      'Coupons, shipping rates and order tracking',
    ],
  },
  {
    icon: PaletteIcon,
    title: 'Art marketplace',
    audience: 'For artists & galleries',
    description:
      'List originals and limited editions in a shared marketplace or your own storefront, with payouts straight to your Stripe account.',
    points: [
      'Originals and limited editions',
      'Payouts to your Stripe account after the return window',
      'Receipts and certificates of authenticity',
    ],
  },
  {
    icon: CoinsIcon,
    title: 'Expert-service credits',
    audience: 'For service providers',
    description:
      'Sell retouching, framing advice or consulting as prepaid hour bundles that organizations draw down as work is logged.',
    points: [
      'Hour bundles that expire after 24 months',
      'A ledger of every minute used',
      'Invoices in the organization’s name',
    ],
  },
  {
    icon: SparklesIcon,
    title: 'Agents and assistants',
    audience: 'For everyone',
    description:
      'Connect an AI assistant over MCP with an API key: it can open a print checkout for a client, follow orders and search the marketplace.',
    points: ['API keys per account, revocable', 'The same permissions as the app', 'Prices always set by the server'],
  },
];

const principles = [
  { title: 'Self-hosted', body: 'One process and a Postgres database. Your customers, your data, your server.' },
  { title: 'Your Stripe account', body: 'Payments, payouts and tax run through Stripe — Gallerist never holds funds.' },
  { title: 'Open source', body: 'MIT licensed, typed end to end, and built to be extended feature by feature.' },
];

/** Decorative "gallery wall" built from gradients, so the landing page needs no image assets. */
function GalleryWall() {
  const frames = [
    'row-span-2 from-amber-200 via-orange-300 to-rose-400',
    'from-sky-200 via-sky-300 to-indigo-400',
    'from-stone-300 via-stone-400 to-stone-600',
    'col-span-2 from-emerald-200 via-teal-300 to-cyan-500',
    'from-violet-200 via-fuchsia-300 to-pink-400',
  ];
  return (
    <div aria-hidden="true" className="relative">
      <div className="absolute -inset-6 -z-10 rounded-[2rem] bg-gradient-to-br from-accent-100/70 via-stone-100 to-transparent blur-2xl" />
      <div className="grid aspect-[4/3.4] grid-cols-3 grid-rows-3 gap-3 rounded-2xl border border-border bg-surface p-3 shadow-xl sm:gap-4 sm:p-4">
        {frames.map((frame) => (
          <div
            key={frame}
            className={`rounded-md bg-gradient-to-br p-1.5 shadow-inner ring-1 ring-stone-900/10 ${frame}`}
          >
            <div className="h-full w-full rounded-sm ring-4 ring-white/70" />
          </div>
        ))}
        <div className="col-span-2 flex flex-col justify-between rounded-md bg-stone-900 p-3 text-white sm:p-4">
          <span className="text-[0.65rem] tracking-widest text-stone-400 uppercase">New order · Client gallery</span>
          <span className="font-display text-lg leading-tight sm:text-xl">Fine art print, 30 × 40 cm</span>
          <span className="flex items-center justify-between text-xs text-stone-300">
            Hahnemühle Photo Rag<span className="font-semibold text-white">€120.00</span>
          </span>
        </div>
      </div>
    </div>
  );
}

export function HomePage() {
  const { user } = useSession();

  return (
    <div>
      <section className="relative overflow-hidden border-b border-border">
        <div className="mx-auto grid max-w-6xl items-center gap-12 px-4 py-14 sm:px-6 sm:py-20 lg:grid-cols-[1.1fr_1fr] lg:py-24">
          <div>
            <p className="mb-4 inline-flex items-center gap-2 rounded-full border border-border bg-surface px-3 py-1 text-xs font-medium text-stone-600">
              <LockIcon size={14} className="text-accent-700" />
              Open source · Self-hosted · Powered by Stripe
            </p>
            <h1 className="font-display text-4xl leading-[1.08] font-semibold tracking-tight text-stone-950 sm:text-5xl lg:text-6xl">
              Sell your visual work on your own terms.
            </h1>
            <p className="mt-5 max-w-xl text-lg leading-relaxed text-stone-600">
              Gallerist is the commerce platform for galleries, photo studios, artists and the experts who serve them —
              client galleries, an art marketplace, service credits and an MCP server for AI agents, running on your
              server and your Stripe account.
            </p>
            <div className="mt-8 flex flex-wrap gap-3">
              {user ? (
                <Button asChild size="lg">
                  <Link to="/app">
                    Go to your dashboard
                    <ArrowRightIcon size={18} />
                  </Link>
                </Button>
              ) : (
                <>
                  <Button asChild size="lg">
                    <Link to="/sign-up">
                      Create your account
                      <ArrowRightIcon size={18} />
                    </Link>
                  </Button>
                  <Button asChild size="lg" variant="secondary">
                    <Link to="/sign-in">Sign in</Link>
                  </Button>
                </>
              )}
            </div>
          </div>
          <GalleryWall />
        </div>
      </section>

      <section aria-labelledby="offerings-title" className="mx-auto max-w-6xl px-4 py-16 sm:px-6 sm:py-20">
        <div className="max-w-2xl">
          <h2 id="offerings-title" className="font-display text-3xl font-semibold tracking-tight sm:text-4xl">
            Four ways to earn, one platform
          </h2>
          <p className="mt-3 text-stone-600">
            Start with the offering that fits your business today; switch on the others as you grow. Every account —
            studio, artist, provider or organization — shares one login and one checkout.
          </p>
        </div>
        <ul className="mt-10 grid gap-5 sm:grid-cols-2">
          {offerings.map(({ icon: Icon, title, audience, description, points }) => (
            <li key={title} className="flex flex-col rounded-card border border-border bg-surface p-6 shadow-xs">
              <div className="flex items-center gap-3">
                <span className="flex size-10 items-center justify-center rounded-lg bg-accent-50 text-accent-700">
                  <Icon size={20} />
                </span>
                <div>
                  <h3 className="font-semibold text-foreground">{title}</h3>
                  <p className="text-xs font-medium tracking-wide text-accent-700 uppercase">{audience}</p>
                </div>
              </div>
              <p className="mt-4 text-sm leading-relaxed text-stone-600">{description}</p>
              <ul className="mt-4 grid gap-2 text-sm text-stone-700">
                {points.map((point) => (
                  <li key={point} className="flex items-start gap-2">
                    <CheckIcon size={16} className="mt-0.5 shrink-0 text-emerald-600" />
                    {point}
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="principles-title" className="border-y border-border bg-stone-100/70">
        <div className="mx-auto max-w-6xl px-4 py-14 sm:px-6">
          <h2 id="principles-title" className="sr-only">
            Why Gallerist
          </h2>
          <dl className="grid gap-8 sm:grid-cols-3">
            {principles.map((p) => (
              <div key={p.title}>
                <dt className="font-display text-xl font-semibold">{p.title}</dt>
                <dd className="mt-2 text-sm leading-relaxed text-stone-600">{p.body}</dd>
              </div>
            ))}
          </dl>
        </div>
      </section>

      {user ? null : (
        <section className="mx-auto max-w-6xl px-4 py-16 sm:px-6 sm:py-20">
          <div className="flex flex-col items-start justify-between gap-6 rounded-2xl bg-stone-900 px-6 py-10 text-white sm:flex-row sm:items-center sm:px-10">
            <div>
              <h2 className="font-display text-2xl font-semibold sm:text-3xl">Open your first storefront today</h2>
              <p className="mt-2 text-stone-300">Create a free account, then add your studio, practice or team.</p>
            </div>
            <div className="flex flex-wrap gap-3">
              <Button asChild size="lg" variant="inverse">
                <Link to="/sign-up">Get started</Link>
              </Button>
              <Link
                to="/sign-in"
                className="focus-ring inline-flex h-12 items-center rounded-control px-6 font-medium text-white hover:bg-white/10"
              >
                Sign in
              </Link>
            </div>
          </div>
        </section>
      )}
    </div>
  );
}

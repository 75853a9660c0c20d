import { useEffect, useId, useState } from 'react';
import { Link, NavLink, Outlet, ScrollRestoration, useLocation, useNavigate, useNavigation } from 'react-router';
import {
  ChevronDownIcon,
  CloseIcon,
  LogOutIcon,
  MenuIcon,
  PaletteIcon,
  ShieldIcon,
  UserIcon,
} from '../components/icons.tsx';
import { Logo, LogoMark } from '../components/logo.tsx';
import {
  Button,
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
  Skeleton,
  useToast,
} from '../components/ui/index.ts';
import { AccountSwitcher } from '../features/accounts/account-switcher.tsx';
import { kindLabel } from '../features/accounts/kinds.ts';
import { errorMessage } from '../lib/api.ts';
import { cn } from '../lib/cn.ts';
import { usePlatformInfo } from '../lib/platform.ts';
import { type Membership, type User, useSession, useSignOut } from '../lib/session.tsx';
import { type NavItem, type NavSection, navSections } from './nav.ts';

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? parts[0][0] + parts[parts.length - 1][0] : (parts[0] ?? '?').slice(0, 2);
  return letters.toUpperCase();
}

function Avatar({ name, className }: { name: string; className?: string }) {
  return (
    <span
      aria-hidden="true"
      className={cn(
        'flex size-8 shrink-0 items-center justify-center rounded-full bg-stone-800 text-xs font-semibold text-white',
        className,
      )}
    >
      {initials(name)}
    </span>
  );
}

/** Signs out, then leaves any members-only page for the home page. */
function useSignOutAndLeave() {
  const signOut = useSignOut();
  const navigate = useNavigate();
  const { toast } = useToast();
  return {
    pending: signOut.isPending,
    // Navigate inside the mutation: the menu unmounts as soon as the session clears.
    run: () =>
      signOut
        .mutateAsync(() => navigate('/'))
        .then(
          () => toast({ title: 'Signed out', description: 'See you soon.' }),
          (error) => toast({ title: 'Could not sign out', description: errorMessage(error), variant: 'error' }),
        ),
  };
}

function UserMenu({ user, canApplyAsArtist }: { user: User; canApplyAsArtist: boolean }) {
  const navigate = useNavigate();
  const signOut = useSignOutAndLeave();
  return (
    <DropdownMenu>
      <DropdownMenuTrigger
        data-testid="user-menu"
        className="focus-ring flex items-center gap-2 rounded-full py-0.5 pr-2 pl-0.5 text-sm font-medium hover:bg-stone-100"
      >
        <Avatar name={user.name} />
        {/* The name is in the menu; the header's room goes to the links and the account's name. */}
        <span className="sr-only">{user.name}</span>
        <ChevronDownIcon size={14} className="text-stone-500" />
      </DropdownMenuTrigger>
      <DropdownMenuContent>
        <DropdownMenuLabel className="grid gap-0.5">
          <span className="truncate text-sm font-semibold text-foreground">{user.name}</span>
          <span className="truncate font-normal">{user.email}</span>
        </DropdownMenuLabel>
        <DropdownMenuSeparator />
        <DropdownMenuItem onSelect={() => navigate('/app')}>
          <UserIcon size={16} className="text-stone-500" />
          Dashboard
        </DropdownMenuItem>
        {canApplyAsArtist ? (
          <DropdownMenuItem onSelect={() => navigate('/artists/apply')}>
            <PaletteIcon size={16} className="text-stone-500" />
            Sell your art
          </DropdownMenuItem>
        ) : null}
        {user.isPlatformAdmin ? (
          <DropdownMenuItem onSelect={() => navigate('/admin')}>
            <ShieldIcon size={16} className="text-stone-500" />
            Platform admin
          </DropdownMenuItem>
        ) : null}
        <DropdownMenuSeparator />
        <DropdownMenuItem onSelect={signOut.run} disabled={signOut.pending}>
          <LogOutIcon size={16} className="text-stone-500" />
          Sign out
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}

const navLinkClasses = ({ isActive }: { isActive: boolean }) =>
  cn(
    'focus-ring whitespace-nowrap rounded-md px-2.5 py-2 text-sm font-medium transition-colors',
    isActive ? 'bg-stone-200/60 text-foreground' : 'text-stone-600 hover:bg-stone-100 hover:text-foreground',
  );

/** A section's heading: the selected account's kind (its links act on that account), or the platform's. */
function sectionLabel(section: NavSection, account: Membership | null): string | null {
  if (section.id === 'account' && account) return kindLabel(account.kind);
  if (section.id === 'platform') return 'Platform';
  return null;
}

function NavLinks({ items }: { items: NavItem[] }) {
  return items.map((item) => (
    <NavLink key={item.to} to={item.to} end={item.end} className={navLinkClasses}>
      {item.label}
    </NavLink>
  ));
}

/** Platform staff's links folded into one menu, when the selected account's links already fill the header. */
function PlatformMenu({ items }: { items: NavItem[] }) {
  const navigate = useNavigate();
  const location = useLocation();
  const active = items.some((item) => location.pathname.startsWith(item.to));
  return (
    <DropdownMenu>
      <DropdownMenuTrigger className={cn(navLinkClasses({ isActive: active }), 'flex items-center gap-1')}>
        Platform
        <ChevronDownIcon size={14} className="text-stone-500" />
      </DropdownMenuTrigger>
      <DropdownMenuContent align="start">
        {items.map((item) => (
          <DropdownMenuItem key={item.to} onSelect={() => navigate(item.to)}>
            {item.label}
          </DropdownMenuItem>
        ))}
      </DropdownMenuContent>
    </DropdownMenu>
  );
}

/** The desktop links: anyone's first, then the selected account's under its kind, then the platform's. */
function DesktopNav({ sections, account }: { sections: NavSection[]; account: Membership | null }) {
  const hasAccountLinks = sections.some((s) => s.id === 'account');
  return (
    <nav aria-label="Main" className="ml-2 hidden shrink-0 items-center gap-1 xl:flex">
      {sections.map((section) => {
        const label = sectionLabel(section, account);
        if (!label) return <NavLinks key={section.id} items={section.items} />;
        if (section.id === 'platform' && hasAccountLinks) {
          return (
            <div key={section.id} className="ml-1 border-l border-border pl-2">
              <PlatformMenu items={section.items} />
            </div>
          );
        }
        return (
          // biome-ignore lint/a11y/useSemanticElements: a labelled group of links in the nav; fieldset is for form controls
          <div
            key={section.id}
            role="group"
            aria-label={section.id === 'account' ? `${label} account` : label}
            data-testid={`nav-section-${section.id}`}
            className="ml-1 flex items-center gap-1 border-l border-border pl-3"
          >
            <span aria-hidden="true" className="mr-0.5 text-xs font-medium tracking-wide text-muted uppercase">
              {label}
            </span>
            <NavLinks items={section.items} />
          </div>
        );
      })}
    </nav>
  );
}

function MobileMenu({
  id,
  sections,
  account,
  user,
}: {
  id: string;
  sections: NavSection[];
  account: Membership | null;
  user: User | null;
}) {
  const signOut = useSignOutAndLeave();
  return (
    <div id={id} className="max-h-[calc(100dvh-4rem)] overflow-y-auto border-t border-border bg-surface xl:hidden">
      <nav aria-label="Main" className="mx-auto grid max-w-6xl gap-3 px-4 py-3">
        {sections.map((section) => {
          const label = sectionLabel(section, account);
          if (!label) {
            return (
              <div key={section.id} className="grid gap-1">
                <NavLinks items={section.items} />
              </div>
            );
          }
          const headingId = `${id}-${section.id}`;
          return (
            // biome-ignore lint/a11y/useSemanticElements: a labelled group of links in the nav; fieldset is for form controls
            <div
              key={section.id}
              role="group"
              aria-labelledby={headingId}
              data-testid={`nav-section-${section.id}`}
              className="grid gap-1 border-t border-border pt-3"
            >
              <p id={headingId} className="flex min-w-0 items-baseline gap-2 px-2.5 pb-1 text-xs text-muted">
                <span className="shrink-0 font-medium tracking-wide uppercase">{label}</span>
                {section.id === 'account' && account ? (
                  <span className="min-w-0 truncate" title={account.name}>
                    {account.name}
                  </span>
                ) : null}
              </p>
              <NavLinks items={section.items} />
            </div>
          );
        })}
      </nav>
      <div className="mx-auto max-w-6xl border-t border-border px-4 py-3">
        {user ? (
          <div className="flex items-center gap-3">
            <Avatar name={user.name} />
            <div className="grid min-w-0 flex-1">
              <span className="truncate text-sm font-semibold">{user.name}</span>
              <span className="truncate text-xs text-muted">{user.email}</span>
            </div>
            <Button variant="secondary" size="sm" onClick={signOut.run} loading={signOut.pending}>
              Sign out
            </Button>
          </div>
        ) : (
          <div className="grid grid-cols-2 gap-2">
            <Button asChild variant="secondary">
              <Link to="/sign-in">Sign in</Link>
            </Button>
            <Button asChild>
              <Link to="/sign-up">Get started</Link>
            </Button>
          </div>
        )}
      </div>
    </div>
  );
}

function Header({ navItems }: { navItems: NavItem[] }) {
  const { user, status, memberships, currentAccount } = useSession();
  const location = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const menuId = useId();
  const sections = navSections(navItems, {
    user,
    account: currentAccount,
    membershipCount: memberships.length,
  });
  const canApplyAsArtist = Boolean(user) && !memberships.some((m) => m.kind === 'artist');

  // Navigating from the mobile menu should close it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on location changes by design
  useEffect(() => setMenuOpen(false), [location.pathname]);

  return (
    <header className="sticky top-0 z-40 border-b border-border bg-background/90 backdrop-blur supports-[backdrop-filter]:bg-background/75">
      <div className="mx-auto flex h-16 max-w-6xl items-center gap-3 px-4 sm:px-6">
        <Logo to={user ? '/app' : '/'} />
        <DesktopNav sections={sections} account={currentAccount} />
        <div className="ml-auto flex min-w-0 items-center gap-2">
          {status === 'pending' ? (
            <Skeleton className="h-8 w-28" />
          ) : user ? (
            <>
              <AccountSwitcher />
              <div className="hidden xl:block">
                <UserMenu user={user} canApplyAsArtist={canApplyAsArtist} />
              </div>
            </>
          ) : (
            <>
              <Button asChild variant="ghost" size="sm">
                <Link to="/sign-in">Sign in</Link>
              </Button>
              <div className="hidden xl:block">
                <Button asChild size="sm">
                  <Link to="/sign-up">Get started</Link>
                </Button>
              </div>
            </>
          )}
          <Button
            variant="ghost"
            size="icon"
            className="shrink-0 xl:hidden"
            aria-expanded={menuOpen}
            aria-controls={menuId}
            aria-label={menuOpen ? 'Close menu' : 'Open menu'}
            onClick={() => setMenuOpen((open) => !open)}
          >
            {menuOpen ? <CloseIcon size={20} /> : <MenuIcon size={20} />}
          </Button>
        </div>
      </div>
      {menuOpen ? <MobileMenu id={menuId} sections={sections} account={currentAccount} user={user} /> : null}
    </header>
  );
}

function Footer() {
  const { user } = useSession();
  const { data: platform } = usePlatformInfo();
  return (
    <footer className="mt-auto border-t border-border bg-surface/60">
      <div className="mx-auto flex max-w-6xl flex-col gap-4 px-4 py-8 text-sm text-muted sm:flex-row sm:items-center sm:justify-between sm:px-6">
        <div className="flex items-center gap-2">
          <LogoMark className="size-5" />
          <span>Gallerist — open-source commerce for visual work, on Stripe.</span>
        </div>
        <nav aria-label="Footer" className="flex flex-wrap items-center gap-x-5 gap-y-2">
          <Link to="/" className="focus-ring rounded hover:text-foreground">
            Home
          </Link>
          {user ? (
            <Link to="/app" className="focus-ring rounded hover:text-foreground">
              Dashboard
            </Link>
          ) : (
            <Link to="/sign-in" className="focus-ring rounded hover:text-foreground">
              Sign in
            </Link>
          )}
          {/* A server page, not an SPA route: full navigation on purpose. Only local development has one. */}
          {platform?.devMailbox ? (
            <a href="/dev/mailbox" className="focus-ring rounded text-xs text-stone-500 hover:text-foreground">
              Dev mailbox
            </a>
          ) : null}
        </nav>
      </div>
    </footer>
  );
}

/**
 * A thin bar along the top while the next page's code downloads (the current page stays until it has). It fades in
 * only after a moment, so quick loads don't flash it.
 */
function NavigationProgress() {
  const navigation = useNavigation();
  if (navigation.state === 'idle') return null;
  return (
    <div
      aria-hidden="true"
      data-testid="navigation-progress"
      className="fixed inset-x-0 top-0 z-50 h-0.5 overflow-hidden animate-[fade-in_150ms_ease-out_200ms_both]"
    >
      <div className="h-full w-1/3 bg-accent-600 animate-navigation-progress" />
    </div>
  );
}

/** The app frame: skip link, header (nav, account switcher, user menu), page outlet, footer. */
export function AppLayout({ navItems }: { navItems: NavItem[] }) {
  return (
    <div className="flex min-h-dvh flex-col">
      <NavigationProgress />
      <a
        href="#main"
        className="sr-only z-50 rounded-md bg-stone-900 px-3 py-2 text-sm text-white focus:not-sr-only focus:fixed focus:top-3 focus:left-3"
      >
        Skip to content
      </a>
      <Header navItems={navItems} />
      <main id="main" tabIndex={-1} className="flex-1 outline-none">
        <Outlet />
      </main>
      <Footer />
      <ScrollRestoration />
    </div>
  );
}

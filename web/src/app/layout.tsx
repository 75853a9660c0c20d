import { useEffect, useId, useState } from 'react';
import { Link, NavLink, Outlet, ScrollRestoration, useLocation, useNavigate } from 'react-router';
import { CloseIcon, LogOutIcon, MenuIcon, ShieldIcon, UserIcon } from '../components/icons.tsx';
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
import { errorMessage } from '../lib/api.ts';
import { cn } from '../lib/cn.ts';
import { usePlatformInfo } from '../lib/platform.ts';
import { type User, useSession, useSignOut } from '../lib/session.tsx';
import { type NavItem, visibleNavItems } from './nav.ts';

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

function UserMenu({ user }: { user: User }) {
  const navigate = useNavigate();
  const signOut = useSignOutAndLeave();
  return (
    <DropdownMenu>
      <DropdownMenuTrigger
        data-testid="user-menu"
        className="focus-ring flex items-center gap-2 rounded-full py-0.5 pr-2 pl-0.5 text-sm font-medium hover:bg-stone-100"
      >
        <Avatar name={user.name} />
        <span className="max-w-32 truncate">{user.name}</span>
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
    'focus-ring whitespace-nowrap rounded-md px-3 py-2 text-sm font-medium transition-colors',
    isActive ? 'bg-stone-200/60 text-foreground' : 'text-stone-600 hover:bg-stone-100 hover:text-foreground',
  );

function MobileMenu({ id, items, user }: { id: string; items: NavItem[]; user: User | null }) {
  const signOut = useSignOutAndLeave();
  return (
    <div id={id} className="border-t border-border bg-surface md:hidden">
      <nav aria-label="Main" className="mx-auto grid max-w-6xl gap-1 px-4 py-3">
        {items.map((item) => (
          <NavLink key={item.to} to={item.to} end={item.end} className={navLinkClasses}>
            {item.label}
          </NavLink>
        ))}
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
  const { user, status, currentAccount } = useSession();
  const location = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const menuId = useId();
  const items = visibleNavItems(navItems, user, currentAccount?.kind ?? null, currentAccount?.role ?? null);

  // Navigating from the mobile menu should close it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on location changes by design
  useEffect(() => setMenuOpen(false), [location.pathname]);

  return (
    <header className="sticky top-0 z-40 border-b border-border bg-background/90 backdrop-blur supports-[backdrop-filter]:bg-background/75">
      <div className="mx-auto flex h-16 max-w-6xl items-center gap-3 px-4 sm:px-6">
        <Logo to={user ? '/app' : '/'} />
        <nav aria-label="Main" className="ml-4 hidden items-center gap-1 md:flex">
          {items.map((item) => (
            <NavLink key={item.to} to={item.to} end={item.end} className={navLinkClasses}>
              {item.label}
            </NavLink>
          ))}
        </nav>
        <div className="ml-auto flex min-w-0 items-center gap-2">
          {status === 'pending' ? (
            <Skeleton className="h-8 w-28" />
          ) : user ? (
            <>
              <AccountSwitcher />
              <div className="hidden md:block">
                <UserMenu user={user} />
              </div>
            </>
          ) : (
            <>
              <Button asChild variant="ghost" size="sm">
                <Link to="/sign-in">Sign in</Link>
              </Button>
              <div className="hidden md:block">
                <Button asChild size="sm">
                  <Link to="/sign-up">Get started</Link>
                </Button>
              </div>
            </>
          )}
          <Button
            variant="ghost"
            size="icon"
            className="md:hidden"
            aria-expanded={menuOpen}
            aria-controls={menuId}
            aria-label={menuOpen ? 'Close menu' : 'Open menu'}
            onClick={() => setMenuOpen((open) => !open)}
          >
            {menuOpen ? <CloseIcon size={20} /> : <MenuIcon size={20} />}
          </Button>
        </div>
      </div>
      {menuOpen ? <MobileMenu id={menuId} items={items} user={user} /> : null}
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

/** The app frame: skip link, header (nav, account switcher, user menu), page outlet, footer. */
export function AppLayout({ navItems }: { navItems: NavItem[] }) {
  return (
    <div className="flex min-h-dvh flex-col">
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

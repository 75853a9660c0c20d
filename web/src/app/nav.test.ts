import { describe, expect, it } from 'vitest';
import type { AccountKind, Membership, Role, User } from '../lib/session.tsx';
import { resolveCurrentAccount } from '../lib/session.tsx';
import { type NavContext, type NavItem, navSections, visibleNavItems } from './nav.ts';
import { navItems } from './routes.tsx';

const items: NavItem[] = [
  { to: '/art', label: 'Art', audience: 'everyone', order: 15 },
  { to: '/app', label: 'Dashboard', audience: 'signed-in', order: 10 },
  { to: '/studio/galleries', label: 'Galleries', audience: 'signed-in', order: 40, accountKinds: ['studio'] },
  { to: '/admin', label: 'Admin', audience: 'platform-admin', order: 90 },
  { to: '/app/api-keys', label: 'API keys', audience: 'signed-in', order: 25, accountKinds: 'any', minRole: 'admin' },
];
const user = { id: 'u', email: 'a@b.co', name: 'A', isPlatformAdmin: false } as User;
const admin = { ...user, isPlatformAdmin: true } as User;
const labels = (xs: NavItem[]) => xs.map((x) => x.label);
const ctx = (kind: AccountKind | null, role: Role = 'owner', who: User | null = user): NavContext => ({
  user: who,
  account: kind ? { kind, role, slug: `my-${kind}` } : null,
  membershipCount: kind ? 1 : 0,
});

describe('visibleNavItems', () => {
  it('shows account-kind links only while such an account is selected, in order', () => {
    expect(labels(visibleNavItems(items, ctx(null, 'owner', null)))).toEqual(['Art']);
    expect(labels(visibleNavItems(items, ctx('artist', 'member')))).toEqual(['Dashboard', 'Art']);
    expect(labels(visibleNavItems(items, ctx(null)))).toEqual(['Dashboard', 'Art']);
    expect(labels(visibleNavItems(items, ctx('studio', 'member')))).toEqual(['Dashboard', 'Art', 'Galleries']);
    expect(labels(visibleNavItems(items, ctx('studio', 'member', admin)))).toEqual([
      'Dashboard',
      'Art',
      'Galleries',
      'Admin',
    ]);
  });

  it('shows role-gated links only to admins and owners of the selected account', () => {
    expect(labels(visibleNavItems(items, ctx('studio', 'member')))).not.toContain('API keys');
    expect(labels(visibleNavItems(items, ctx(null)))).not.toContain('API keys');
    expect(labels(visibleNavItems(items, ctx('studio', 'admin')))).toContain('API keys');
    expect(labels(visibleNavItems(items, ctx('organization', 'owner')))).toContain('API keys');
  });

  it('fills the selected account into its paths', () => {
    const org: NavItem = {
      to: '/org/:slug',
      label: 'Hours',
      audience: 'signed-in',
      order: 1,
      accountKinds: ['organization'],
    };
    expect(visibleNavItems([org], ctx('organization', 'member')).map((x) => x.to)).toEqual(['/org/my-organization']);
  });

  it('groups links into general, the selected account’s and the platform’s', () => {
    expect(navSections(items, ctx('studio', 'owner', admin)).map((s) => [s.id, labels(s.items)])).toEqual([
      ['general', ['Dashboard', 'Art']],
      ['account', ['API keys', 'Galleries']],
      ['platform', ['Admin']],
    ]);
    expect(navSections(items, ctx(null, 'owner', null)).map((s) => s.id)).toEqual(['general']);
  });
});

/** What the app's own declared links show each kind of account and role. */
describe('the app’s header links', () => {
  const shown = (kind: AccountKind | null, role: Role = 'owner', who: User | null = user) =>
    labels(visibleNavItems(navItems, ctx(kind, role, who)));
  const accountLinks = (kind: AccountKind, role: Role) =>
    labels(navSections(navItems, ctx(kind, role)).find((s) => s.id === 'account')?.items ?? []);

  it('shows guests the storefront only', () => {
    expect(shown(null, 'owner', null)).toEqual(['Art']);
  });

  it('offers someone without an account a way to start selling art, and nothing account-scoped', () => {
    expect(shown(null)).toEqual(['Dashboard', 'Art', 'Sell your art']);
    // Platform staff have their own section instead.
    expect(shown(null, 'owner', admin)).not.toContain('Sell your art');
  });

  it('shows a studio its orders, galleries and print orders', () => {
    expect(accountLinks('studio', 'owner')).toEqual(['Orders', 'Galleries', 'Print orders', 'Members', 'API keys']);
    expect(accountLinks('studio', 'member')).toEqual(['Orders', 'Galleries', 'Print orders', 'Members']);
  });

  it('shows an artist their artworks and orders, no studio or credits links', () => {
    expect(accountLinks('artist', 'owner')).toEqual(['Orders', 'Artworks', 'Members', 'API keys']);
    expect(accountLinks('artist', 'member')).toEqual(['Orders', 'Artworks', 'Members']);
  });

  it('shows an organization the expert services it buys and its hours, no sales', () => {
    expect(accountLinks('organization', 'admin')).toEqual(['Expert services', 'Hours', 'Members', 'API keys']);
    expect(accountLinks('organization', 'member')).toEqual(['Expert services', 'Hours', 'Members']);
    const hours = visibleNavItems(navItems, ctx('organization', 'member')).find((x) => x.label === 'Hours');
    expect(hours?.to).toBe('/org/my-organization');
  });

  it('shows a provider its sales and customers only to admins, the catalog to every member', () => {
    expect(accountLinks('provider', 'owner')).toEqual([
      'Orders',
      'Expert services',
      'Customers',
      'Members',
      'API keys',
    ]);
    expect(accountLinks('provider', 'member')).toEqual(['Expert services', 'Members']);
  });

  it('never shows a user who is not a platform admin the platform links', () => {
    for (const kind of ['studio', 'artist', 'provider', 'organization'] as const) {
      expect(navSections(navItems, ctx(kind)).map((s) => s.id)).toEqual(['general', 'account']);
    }
    expect(navSections(navItems, ctx(null, 'owner', admin)).map((s) => s.id)).toEqual(['general', 'platform']);
  });

  it('declares each path once per kind, so links never repeat', () => {
    for (const kind of ['studio', 'artist', 'provider', 'organization'] as const) {
      const paths = visibleNavItems(navItems, ctx(kind, 'owner', admin)).map((x) => x.to);
      expect(new Set(paths).size).toBe(paths.length);
    }
  });
});

describe('resolveCurrentAccount', () => {
  const m = (accountId: string): Membership =>
    ({ accountId, name: accountId, slug: accountId, kind: 'studio', role: 'owner' }) as Membership;
  const mine = [m('a'), m('b'), m('c')];

  it('keeps the browser’s current choice while the user still belongs to it', () => {
    expect(resolveCurrentAccount(mine, 'b', 'c')?.accountId).toBe('b');
  });

  it('falls back to the account last used, then the first, never to none', () => {
    expect(resolveCurrentAccount(mine, null, 'c')?.accountId).toBe('c');
    expect(resolveCurrentAccount(mine, 'gone', 'c')?.accountId).toBe('c');
    expect(resolveCurrentAccount(mine, 'gone', 'also-gone')?.accountId).toBe('a');
    expect(resolveCurrentAccount(mine, null, null)?.accountId).toBe('a');
    expect(resolveCurrentAccount([], 'a', 'a')).toBeNull();
  });
});

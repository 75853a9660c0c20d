import type { AccountKind, Membership, Role, User } from '../lib/session.tsx';

/**
 * Who sees a header link; features declare this next to their routes. `no-account` is a signed-in user who belongs
 * to no account yet (an entry point to become one); platform admins have their own section instead.
 */
export type NavAudience = 'everyone' | 'signed-out' | 'signed-in' | 'no-account' | 'platform-admin';

export type NavItem = {
  /** The path; `:slug` stands for the selected account's slug (`/org/:slug`). */
  to: string;
  label: string;
  audience: NavAudience;
  /** Lower sorts first; features leave gaps (10, 20, …) so new items can slot in between. */
  order: number;
  /** Match the path exactly rather than as a prefix (e.g. `/app` should not light up on `/app/members`). */
  end?: boolean;
  /**
   * Only while the selected account is one of these kinds (a studio's galleries mean nothing to an artist), or
   * `'any'` for every kind. Such links act on the selected account and are grouped under its kind.
   */
  accountKinds?: AccountKind[] | 'any';
  /** Only while the selected account gives the user at least this role (API keys are an admin's tool). */
  minRole?: Role;
  /** A kind's own minimum role, over `minRole` (a provider's sales are for its admins only). */
  minRoleFor?: Partial<Record<AccountKind, Role>>;
};

/** The header's groups: links for anyone signed in, the selected account's, the platform staff's. */
export type NavSectionId = 'general' | 'account' | 'platform';

export type NavSection = { id: NavSectionId; items: NavItem[] };

const RANK: Record<Role, number> = { member: 1, admin: 2, owner: 3 };

/** The account the links are for: its kind and the user's role in it (and its slug for `:slug` paths). */
export type NavAccount = Pick<Membership, 'kind' | 'role'> & Partial<Pick<Membership, 'slug'>>;

export type NavContext = {
  user: User | null;
  /** The selected account, if any. */
  account: NavAccount | null;
  /** How many accounts the user belongs to (only "none" matters, for the `no-account` audience). */
  membershipCount?: number;
};

export function navSectionOf(item: NavItem): NavSectionId {
  if (item.audience === 'platform-admin') return 'platform';
  if (item.accountKinds || item.minRole || item.minRoleFor) return 'account';
  return 'general';
}

function audienceMatches(audience: NavAudience, { user, membershipCount = 0 }: NavContext): boolean {
  switch (audience) {
    case 'everyone':
      return true;
    case 'signed-out':
      return !user;
    case 'signed-in':
      return Boolean(user);
    case 'no-account':
      return Boolean(user) && !user?.isPlatformAdmin && membershipCount === 0;
    case 'platform-admin':
      return Boolean(user?.isPlatformAdmin);
    default:
      return false;
  }
}

function accountMatches(item: NavItem, account: NavAccount | null): boolean {
  if (navSectionOf(item) !== 'account') return true;
  if (!account) return false;
  if (Array.isArray(item.accountKinds) && !item.accountKinds.includes(account.kind)) return false;
  const min = item.minRoleFor?.[account.kind] ?? item.minRole;
  return !min || RANK[account.role] >= RANK[min];
}

/** The header links for this visitor and the account they have selected, in order, paths filled in. */
export function visibleNavItems(items: NavItem[], context: NavContext): NavItem[] {
  return items
    .filter((item) => audienceMatches(item.audience, context) && accountMatches(item, context.account))
    .map((item) =>
      item.to.includes(':slug') ? { ...item, to: item.to.replace(':slug', context.account?.slug ?? '') } : item,
    )
    .sort((a, b) => a.order - b.order);
}

/** The visible links in their sections (general, the selected account's, platform), empty sections left out. */
export function navSections(items: NavItem[], context: NavContext): NavSection[] {
  const visible = visibleNavItems(items, context);
  return (['general', 'account', 'platform'] as const)
    .map((id) => ({ id, items: visible.filter((item) => navSectionOf(item) === id) }))
    .filter((section) => section.items.length > 0);
}
